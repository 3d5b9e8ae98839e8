import type { ProducerMetricsSnapshot } from './MetricsSnapshot';

/** Options of toPrometheus. */
export interface PrometheusOptions {
  /** Prefix of every metric name. Default `'rxkafka_producer'`. */
  prefix?: string;
  /** Labels added to every sample (e.g. `{ service: 'ingest' }`), after `client_id`. */
  labels?: Record<string, string>;
}

/**
 * A snapshot in Prometheus text exposition format (version 0.0.4): `# HELP` and `# TYPE` per metric,
 * counters ending in `_total`, gauges, and the request latency as a summary in seconds (quantiles
 * 0.5 and 0.99 over the snapshot's window; `_sum` and `_count` since the start). Every sample has
 * a `client_id` label; in-flight requests also a `broker` label (the node id). Rates are left out:
 * Prometheus derives them from the counters (`rate(rxkafka_producer_record_send_total[1m])`).
 *
 * @example
 * http.createServer((req, res) => {
 *   res.setHeader('Content-Type', 'text/plain; version=0.0.4');
 *   res.end(toPrometheus(producer.metrics(), { labels: { service: 'ingest' } }));
 * }).listen(9464);
 */
export function toPrometheus(snapshot: ProducerMetricsSnapshot, options: PrometheusOptions = {}): string {
  const prefix = options.prefix ?? 'rxkafka_producer';
  checkName(prefix);
  let common = `client_id="${escapeLabel(snapshot.clientId)}"`;
  for (const [name, value] of Object.entries(options.labels ?? {})) {
    checkName(name);
    common += `,${name}="${escapeLabel(value)}"`;
  }
  const s = snapshot;
  const out: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge' | 'summary', help: string): string => {
    const full = `${prefix}_${name}`;
    out.push(`# HELP ${full} ${help}`, `# TYPE ${full} ${type}`);
    return full;
  };
  const sample = (name: string, value: number, extra = ''): void => {
    out.push(`${name}{${common}${extra}} ${formatValue(value)}`);
  };

  sample(metric('record_send_total', 'counter', 'Records sent in produce requests, retries included.'), s.recordSendTotal);
  sample(metric('record_retry_total', 'counter', 'Records sent again after a retriable error.'), s.recordRetryTotal);
  sample(metric('record_error_total', 'counter', 'Records that failed (serializer, memory, broker, timeout).'), s.recordErrorTotal);
  sample(metric('batch_split_total', 'counter', 'Batches split after the broker refused them as too large (MESSAGE_TOO_LARGE).'), s.batchSplitTotal);
  sample(metric('sent_bytes_total', 'counter', 'Bytes of record batches sent, as on the wire.'), s.byteTotal);
  sample(metric('request_total', 'counter', 'Produce requests sent.'), s.requestTotal);
  sample(metric('batch_size_avg_bytes', 'gauge', 'Average record batch size over the last window, in bytes.'), s.batchSizeAvg);
  sample(metric('batch_size_max_bytes', 'gauge', 'Largest record batch over the last window, in bytes.'), s.batchSizeMax);
  sample(metric('records_per_request_avg', 'gauge', 'Average records per produce request over the last window.'), s.recordsPerRequestAvg);
  const inFlight = metric('requests_in_flight', 'gauge', 'Produce requests awaiting a response, per broker.');
  for (const b of s.brokers) sample(inFlight, b.requestsInFlight, `,broker="${b.nodeId}"`);
  sample(metric('buffer_available_bytes', 'gauge', 'Bytes of bufferMemory not in use.'), s.bufferAvailableBytes);
  sample(metric('buffer_total_bytes', 'gauge', 'bufferMemory, in bytes.'), s.bufferTotalBytes);
  const latency = metric('request_latency_seconds', 'summary', 'Produce request latency, written to answered; quantiles over the last window.');
  if (s.requestLatencyWindowCount > 0) {
    sample(latency, s.requestLatencyP50 / 1000, ',quantile="0.5"');
    sample(latency, s.requestLatencyP99 / 1000, ',quantile="0.99"');
  } else {
    // No response in the window: the quantiles are unknown, which Prometheus spells NaN.
    sample(latency, NaN, ',quantile="0.5"');
    sample(latency, NaN, ',quantile="0.99"');
  }
  sample(`${latency}_sum`, s.requestLatencySumMs / 1000);
  sample(`${latency}_count`, s.requestLatencyCount);
  return out.join('\n') + '\n';
}

/** Prometheus's float syntax: NaN, +Inf, -Inf, else the shortest round-trip decimal. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** In a label value, backslash, double quote and line feed are escaped (exposition format). */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function checkName(name: string): void {
  if (!NAME.test(name)) throw new TypeError(`'${name}' is not a valid Prometheus name: use letters, digits and underscores, not starting with a digit`);
}
