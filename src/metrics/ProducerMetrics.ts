import { LatencyHistogram } from './LatencyHistogram';

/**
 * The producer's counters (Java's producer-metrics sensors, without their per-record cost). Every
 * field is written in a hot path with one add or compare — per produce request, per batch, or per
 * failed batch, never per record — and read only when a snapshot is taken (MetricsWindow).
 * Totals only grow; rates, averages and percentiles are derived from them per window.
 *
 * Owner: one producer. Writers: the Sender (requests, batches, retries, latency) and the send
 * stages (records that failed, whatever the cause).
 */
export class ProducerMetrics {
  /** Records written in produce requests, retries included (Java: record-send-total). */
  recordSendTotal = 0;
  /** Bytes of record batches written in produce requests, as on the wire (Java: byte-total). */
  byteTotal = 0;
  /** Record batches written in produce requests, retries included. */
  batchSendTotal = 0;
  /** Produce requests written (Java: request-total, for Produce). */
  requestTotal = 0;
  /** Records whose batch was sent again after a retriable error (Java: record-retry-total). */
  recordRetryTotal = 0;
  /** Batches split after the broker refused them as too large (Java: batch-split-total). */
  batchSplitTotal = 0;
  /**
   * Records that got a failed ack, whatever failed: serializer, partitioner, memory, broker,
   * timeout (Java's record-error-total counts the sender's failures only).
   */
  recordErrorTotal = 0;
  /** Produce responses received; with requestLatencySumMs, the latency summary's count and sum. */
  requestLatencyCount = 0;
  requestLatencySumMs = 0;
  /** Largest batch in bytes sent in the current window (reset by MetricsWindow). */
  batchSizeMax = 0;
  /** Request latencies of the current window (MetricsWindow swaps it for an empty one when the window rolls). */
  latency = new LatencyHistogram();

  /**
   * @param clock Time for request latencies, in ms: the producer's scheduler in tests (virtual
   * time), a monotonic sub-millisecond clock in real runs (a local broker answers in well under 1 ms).
   */
  constructor(readonly clock: () => number) {}

  /** One produce request's batch went out: per batch, three adds and a compare. */
  batchSent(records: number, bytes: number): void {
    this.recordSendTotal += records;
    this.byteTotal += bytes;
    this.batchSendTotal++;
    if (bytes > this.batchSizeMax) this.batchSizeMax = bytes;
  }

  /** A produce response came `latencyMs` after its request was written. */
  requestCompleted(latencyMs: number): void {
    this.requestLatencyCount++;
    this.requestLatencySumMs += latencyMs > 0 ? latencyMs : 0;
    this.latency.record(latencyMs);
  }
}
