'use strict';
// The app's metrics, printed as one line that rewrites itself on a terminal (one line per print
// otherwise): from its acks, counts, ack rate and latency (read → acked) percentiles over the last
// interval; from the producer's metrics snapshot, free bufferMemory and produce request latency.

/** Latencies kept per interval: enough for percentiles, allocated once. */
const SAMPLES = 8192;

class LiveLine {
  constructor(stream) {
    this.stream = stream;
    this.tty = Boolean(stream.isTTY);
    this.startMs = Date.now();
    this.lastPrintMs = this.startMs;
    this.ackedTotal = 0;
    this.droppedTotal = 0;
    this.failedTotal = 0;
    this.lastError = null; // the latest failure's message, shown until the next one
    this.ackedAtLastPrint = 0;
    this.latencies = new Float64Array(SAMPLES); // ms, the first SAMPLES acks of the interval
    this.latencyCount = 0;
  }

  acked(latencyMs) {
    this.ackedTotal++;
    if (this.latencyCount < SAMPLES) this.latencies[this.latencyCount++] = latencyMs;
  }

  dropped() {
    this.droppedTotal++;
  }

  failed(error) {
    this.failedTotal++;
    this.lastError = `${error.name}: ${error.message}`;
  }

  totals() {
    return { acked: this.ackedTotal, dropped: this.droppedTotal, failed: this.failedTotal };
  }

  /**
   * Writes the line for the interval since the last print; `metrics` is the producer's snapshot
   * (none before the producer exists); `final` ends the line with a newline.
   */
  print(emitted, metrics, final = false) {
    const now = Date.now();
    // The last line gives the rate over the whole run: its own interval may be a few ms.
    const since = final ? this.startMs : this.lastPrintMs;
    const ackedSince = final ? this.ackedTotal : this.ackedTotal - this.ackedAtLastPrint;
    const rate = (ackedSince * 1000) / Math.max(1, now - since);
    const window = this.latencies.subarray(0, this.latencyCount).sort();
    const pct = (p) => (window.length === 0 ? '-' : `${window[Math.min(window.length - 1, Math.floor(p * window.length))].toFixed(0)} ms`);
    const pending = emitted - this.ackedTotal - this.droppedTotal - this.failedTotal;
    const n = (x) => x.toLocaleString('en-US');
    let text =
      `${((now - this.startMs) / 1000).toFixed(0)}s  emitted ${n(emitted)}  acked ${n(this.ackedTotal)} (${n(Math.round(rate))}/s)` +
      `  dropped ${n(this.droppedTotal)}  failed ${n(this.failedTotal)}  pending ${n(pending)}` +
      `  read→ack p50 ${pct(0.5)} p99 ${pct(0.99)}`;
    if (metrics !== undefined) {
      const free = (100 * metrics.bufferAvailableBytes) / metrics.bufferTotalBytes;
      text += `  buffer free ${free.toFixed(0)}%  request p99 ${metrics.requestLatencyP99.toFixed(0)} ms  retries ${n(metrics.recordRetryTotal)}`;
    }
    if (this.lastError !== null) text += `  last error: ${this.lastError.slice(0, 120)}`;
    this.stream.write(this.tty ? `\r\x1b[K${text}${final ? '\n' : ''}` : `${text}\n`);
    this.lastPrintMs = now;
    this.ackedAtLastPrint = this.ackedTotal;
    this.latencyCount = 0;
  }
}

module.exports = { LiveLine };
