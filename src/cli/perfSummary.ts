import type { LatencySummary } from '../metrics/LatencyHistogram';

/** The last stdout line of `rxkafka perf`, in this key order. */
export interface PerfSummary {
  /** Records acknowledged. */
  records: number;
  recordsPerSec: number;
  /** Value bytes acknowledged per second, in MiB (2^20 bytes, as kafka-producer-perf-test's MB). */
  mbPerSec: number;
  latencyMs: LatencySummary;
  peakRssBytes: number;
  /** Records refused (by the broker or the producer). */
  failed: number;
  /** Records taken by the producer without an ack when the run was stopped (a signal). */
  unsent: number;
}

/** What a run measured, before rounding. */
export interface PerfMeasurement {
  acked: number;
  recordSize: number;
  /** From the first record pulled to the last ack. */
  durationMs: number;
  latency: LatencySummary;
  peakRssBytes: number;
  failed: number;
  unsent: number;
}

/** The summary, rounded for reading: rates to 0.01, latencies to the µs the histogram resolves. */
export function perfSummary(m: PerfMeasurement): PerfSummary {
  const secs = m.durationMs / 1000;
  return {
    records: m.acked,
    recordsPerSec: secs > 0 ? round(m.acked / secs, 2) : 0,
    mbPerSec: secs > 0 ? round((m.acked * m.recordSize) / 2 ** 20 / secs, 2) : 0,
    latencyMs: {
      avg: round(m.latency.avg, 3),
      p50: round(m.latency.p50, 3),
      p95: round(m.latency.p95, 3),
      p99: round(m.latency.p99, 3),
      max: round(m.latency.max, 3),
    },
    peakRssBytes: m.peakRssBytes,
    failed: m.failed,
    unsent: m.unsent,
  };
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}
