import { LatencyHistogram } from './LatencyHistogram';
import type { MetricsGauges, ProducerMetricsSnapshot } from './MetricsSnapshot';
import type { ProducerMetrics } from './ProducerMetrics';

/** The totals at the start of a window. */
interface Mark {
  timeMs: number;
  recordSendTotal: number;
  byteTotal: number;
  batchSendTotal: number;
  requestTotal: number;
  recordRetryTotal: number;
  recordErrorTotal: number;
  requestLatencyCount: number;
}

/**
 * Turns the producer's ever-growing counters into per-window figures, as Java's sampled stats do
 * (a window of metrics.sample.window.ms, two samples): `roll` reports the window that just ended
 * and starts the next — what `metrics$` emits every `intervalMs`; `peek` reports the last complete
 * window and the current one together, without ending anything — what `metrics()` returns, so that
 * an on-demand read right after a roll still covers a full window. A window older than
 * `intervalMs` is rolled by `peek` too, so that without a `metrics$` subscriber each `metrics()`
 * call covers the time since the previous one (once that is at least `intervalMs`), not the
 * producer's whole life. Nothing is sampled per record (Java's sensors roll their windows as
 * records are recorded): a window only ends when someone reads it.
 */
export class MetricsWindow {
  /** Start of the current window; invariant: previous.timeMs <= current.timeMs. */
  private current: Mark;
  /** Start of the last complete window (= current until the first roll). */
  private previous: Mark;
  /** Latencies and the largest batch of the last complete window. */
  private previousLatency = new LatencyHistogram();
  private previousBatchSizeMax = 0;
  /** peek()'s merge of both windows' latencies; allocated on the first peek, then reused. */
  private merged: LatencyHistogram | null = null;

  constructor(
    private readonly metrics: ProducerMetrics,
    private readonly gauges: MetricsGauges,
    private readonly intervalMs: number,
    nowMs: number,
  ) {
    this.current = mark(metrics, nowMs);
    this.previous = this.current;
  }

  /** The window since the last roll; then a new one starts (its latencies in a fresh histogram). */
  roll(nowMs: number): ProducerMetricsSnapshot {
    const m = this.metrics;
    const snapshot = this.snapshot(this.current, nowMs, m.latency, m.batchSizeMax);
    this.previous = this.current;
    this.current = mark(m, nowMs);
    // Swap rather than copy: the Sender records into whatever m.latency is.
    const done = m.latency;
    m.latency = this.previousLatency;
    m.latency.reset();
    this.previousLatency = done;
    this.previousBatchSizeMax = m.batchSizeMax;
    m.batchSizeMax = 0;
    return snapshot;
  }

  /** The last complete window and the current one, as one. */
  peek(nowMs: number): ProducerMetricsSnapshot {
    if (nowMs - this.current.timeMs >= this.intervalMs) this.roll(nowMs);
    const m = this.metrics;
    const merged = (this.merged ??= new LatencyHistogram());
    merged.reset();
    merged.add(this.previousLatency);
    merged.add(m.latency);
    return this.snapshot(this.previous, nowMs, merged, Math.max(this.previousBatchSizeMax, m.batchSizeMax));
  }

  private snapshot(from: Mark, nowMs: number, latency: LatencyHistogram, batchSizeMax: number): ProducerMetricsSnapshot {
    const m = this.metrics;
    const g = this.gauges;
    const windowMs = Math.max(0, nowMs - from.timeMs);
    const perSecond = (delta: number): number => (windowMs === 0 ? 0 : (delta * 1000) / windowMs);
    const records = m.recordSendTotal - from.recordSendTotal;
    const bytes = m.byteTotal - from.byteTotal;
    const batches = m.batchSendTotal - from.batchSendTotal;
    const requests = m.requestTotal - from.requestTotal;
    const brokers = g.brokers();
    let requestsInFlight = 0;
    for (let i = 0; i < brokers.length; i++) requestsInFlight += brokers[i].requestsInFlight;
    return {
      clientId: g.clientId,
      timeMs: nowMs,
      windowMs,
      recordSendRate: perSecond(records),
      recordSendTotal: m.recordSendTotal,
      byteRate: perSecond(bytes),
      byteTotal: m.byteTotal,
      requestRate: perSecond(requests),
      requestTotal: m.requestTotal,
      batchSizeAvg: batches === 0 ? 0 : bytes / batches,
      batchSizeMax,
      recordsPerRequestAvg: requests === 0 ? 0 : records / requests,
      recordRetryRate: perSecond(m.recordRetryTotal - from.recordRetryTotal),
      recordRetryTotal: m.recordRetryTotal,
      recordErrorRate: perSecond(m.recordErrorTotal - from.recordErrorTotal),
      recordErrorTotal: m.recordErrorTotal,
      batchSplitTotal: m.batchSplitTotal,
      requestLatencyAvg: latency.mean,
      requestLatencyP50: latency.percentile(50),
      requestLatencyP99: latency.percentile(99),
      requestLatencyMax: latency.max,
      requestLatencyWindowCount: m.requestLatencyCount - from.requestLatencyCount,
      requestLatencyCount: m.requestLatencyCount,
      requestLatencySumMs: m.requestLatencySumMs,
      requestsInFlight,
      brokers,
      bufferAvailableBytes: g.bufferAvailableBytes(),
      bufferTotalBytes: g.bufferTotalBytes,
    };
  }
}

function mark(m: ProducerMetrics, timeMs: number): Mark {
  return {
    timeMs,
    recordSendTotal: m.recordSendTotal,
    byteTotal: m.byteTotal,
    batchSendTotal: m.batchSendTotal,
    requestTotal: m.requestTotal,
    recordRetryTotal: m.recordRetryTotal,
    recordErrorTotal: m.recordErrorTotal,
    requestLatencyCount: m.requestLatencyCount,
  };
}
