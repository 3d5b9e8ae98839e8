/**
 * What `producer.metrics$` emits and `producer.metrics()` returns. Names are the Java producer's
 * metric names in camelCase where Java has one (`record-send-rate` → `recordSendRate`). Rates are
 * per second over `windowMs`; averages, percentiles and maxima are over the same window; totals
 * count from the producer's start; gauges are read when the snapshot is taken. Times in ms.
 *
 * @example
 * producer.metrics$.subscribe((m) =>
 *   log.info(`${m.recordSendRate.toFixed(0)} records/s, p99 ${m.requestLatencyP99} ms, ${m.bufferAvailableBytes} B free`));
 */
export interface ProducerMetricsSnapshot {
  readonly clientId: string;
  /** When the snapshot was taken (the producer's scheduler time, ms since the epoch in real runs). */
  readonly timeMs: number;
  /** The window the rates and averages cover, in ms (0 right after the start: every rate is 0 then). */
  readonly windowMs: number;

  /** Records sent per second (retries included). */
  readonly recordSendRate: number;
  readonly recordSendTotal: number;
  /** Bytes of record batches sent per second, as on the wire (compressed when compressed). */
  readonly byteRate: number;
  readonly byteTotal: number;
  /** Produce requests per second. */
  readonly requestRate: number;
  readonly requestTotal: number;
  /** Average and largest record batch sent, in bytes (Java: bytes per partition per request). */
  readonly batchSizeAvg: number;
  readonly batchSizeMax: number;
  readonly recordsPerRequestAvg: number;
  /** Records sent again after a retriable error, per second, and in total. */
  readonly recordRetryRate: number;
  readonly recordRetryTotal: number;
  /** Records that failed (any cause: serializer, memory, broker, timeout), per second, and in total. */
  readonly recordErrorRate: number;
  readonly recordErrorTotal: number;
  /**
   * Batches split after a broker refused them as larger than the topic's max.message.bytes
   * (MESSAGE_TOO_LARGE), in total (Java: batch-split-total). Growing steadily: batchSize is above
   * that limit, and every batch costs extra round trips.
   */
  readonly batchSplitTotal: number;

  /**
   * Produce request latency (written → answered) in the window, ms; percentiles within 0.8 %.
   * All 0 when no response came in the window (requestLatencyWindowCount 0).
   */
  readonly requestLatencyAvg: number;
  readonly requestLatencyP50: number;
  readonly requestLatencyP99: number;
  readonly requestLatencyMax: number;
  /** Responses in the window, whose latencies the four figures above describe. */
  readonly requestLatencyWindowCount: number;
  /** Responses and the sum of their latencies since the start (a Prometheus summary's _count and _sum). */
  readonly requestLatencyCount: number;
  readonly requestLatencySumMs: number;

  /** Produce requests awaiting a response, over every broker. */
  readonly requestsInFlight: number;
  /** Per broker that was ever sent a request: its produce requests awaiting a response. */
  readonly brokers: ReadonlyArray<{ readonly nodeId: number; readonly requestsInFlight: number }>;
  /** Bytes of bufferMemory free now, and bufferMemory itself. */
  readonly bufferAvailableBytes: number;
  readonly bufferTotalBytes: number;
}

/** What a snapshot reads from the producer at the time it is taken. */
export interface MetricsGauges {
  readonly clientId: string;
  brokers(): Array<{ nodeId: number; requestsInFlight: number }>;
  bufferAvailableBytes(): number;
  readonly bufferTotalBytes: number;
}
