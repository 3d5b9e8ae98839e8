import type { ProducerMetricsSnapshot } from '../../src/metrics/MetricsSnapshot';
import { toPrometheus } from '../../src/metrics/prometheus';

const snapshot: ProducerMetricsSnapshot = {
  clientId: 'ingest',
  timeMs: 1_700_000_005_000,
  windowMs: 5000,
  recordSendRate: 2000,
  recordSendTotal: 10000,
  byteRate: 30000,
  byteTotal: 150000,
  requestRate: 4,
  requestTotal: 20,
  batchSizeAvg: 7500,
  batchSizeMax: 16384,
  recordsPerRequestAvg: 500,
  recordRetryRate: 0.2,
  recordRetryTotal: 1,
  recordErrorRate: 0,
  recordErrorTotal: 3,
  batchSplitTotal: 2,
  requestLatencyAvg: 2.5,
  requestLatencyP50: 2,
  requestLatencyP99: 12.5,
  requestLatencyMax: 13,
  requestLatencyWindowCount: 20,
  requestLatencyCount: 20,
  requestLatencySumMs: 50,
  requestsInFlight: 3,
  brokers: [
    { nodeId: 1, requestsInFlight: 1 },
    { nodeId: 2, requestsInFlight: 2 },
  ],
  bufferAvailableBytes: 33554432 - 32768,
  bufferTotalBytes: 33554432,
};

describe('toPrometheus', () => {
  it('renders the text exposition format: HELP and TYPE per metric, counters _total, gauges, the latency as a summary in seconds', () => {
    expect(toPrometheus(snapshot)).toBe(
      [
        '# HELP rxkafka_producer_record_send_total Records sent in produce requests, retries included.',
        '# TYPE rxkafka_producer_record_send_total counter',
        'rxkafka_producer_record_send_total{client_id="ingest"} 10000',
        '# HELP rxkafka_producer_record_retry_total Records sent again after a retriable error.',
        '# TYPE rxkafka_producer_record_retry_total counter',
        'rxkafka_producer_record_retry_total{client_id="ingest"} 1',
        '# HELP rxkafka_producer_record_error_total Records that failed (serializer, memory, broker, timeout).',
        '# TYPE rxkafka_producer_record_error_total counter',
        'rxkafka_producer_record_error_total{client_id="ingest"} 3',
        '# HELP rxkafka_producer_batch_split_total Batches split after the broker refused them as too large (MESSAGE_TOO_LARGE).',
        '# TYPE rxkafka_producer_batch_split_total counter',
        'rxkafka_producer_batch_split_total{client_id="ingest"} 2',
        '# HELP rxkafka_producer_sent_bytes_total Bytes of record batches sent, as on the wire.',
        '# TYPE rxkafka_producer_sent_bytes_total counter',
        'rxkafka_producer_sent_bytes_total{client_id="ingest"} 150000',
        '# HELP rxkafka_producer_request_total Produce requests sent.',
        '# TYPE rxkafka_producer_request_total counter',
        'rxkafka_producer_request_total{client_id="ingest"} 20',
        '# HELP rxkafka_producer_batch_size_avg_bytes Average record batch size over the last window, in bytes.',
        '# TYPE rxkafka_producer_batch_size_avg_bytes gauge',
        'rxkafka_producer_batch_size_avg_bytes{client_id="ingest"} 7500',
        '# HELP rxkafka_producer_batch_size_max_bytes Largest record batch over the last window, in bytes.',
        '# TYPE rxkafka_producer_batch_size_max_bytes gauge',
        'rxkafka_producer_batch_size_max_bytes{client_id="ingest"} 16384',
        '# HELP rxkafka_producer_records_per_request_avg Average records per produce request over the last window.',
        '# TYPE rxkafka_producer_records_per_request_avg gauge',
        'rxkafka_producer_records_per_request_avg{client_id="ingest"} 500',
        '# HELP rxkafka_producer_requests_in_flight Produce requests awaiting a response, per broker.',
        '# TYPE rxkafka_producer_requests_in_flight gauge',
        'rxkafka_producer_requests_in_flight{client_id="ingest",broker="1"} 1',
        'rxkafka_producer_requests_in_flight{client_id="ingest",broker="2"} 2',
        '# HELP rxkafka_producer_buffer_available_bytes Bytes of bufferMemory not in use.',
        '# TYPE rxkafka_producer_buffer_available_bytes gauge',
        'rxkafka_producer_buffer_available_bytes{client_id="ingest"} 33521664',
        '# HELP rxkafka_producer_buffer_total_bytes bufferMemory, in bytes.',
        '# TYPE rxkafka_producer_buffer_total_bytes gauge',
        'rxkafka_producer_buffer_total_bytes{client_id="ingest"} 33554432',
        '# HELP rxkafka_producer_request_latency_seconds Produce request latency, written to answered; quantiles over the last window.',
        '# TYPE rxkafka_producer_request_latency_seconds summary',
        'rxkafka_producer_request_latency_seconds{client_id="ingest",quantile="0.5"} 0.002',
        'rxkafka_producer_request_latency_seconds{client_id="ingest",quantile="0.99"} 0.0125',
        'rxkafka_producer_request_latency_seconds_sum{client_id="ingest"} 0.05',
        'rxkafka_producer_request_latency_seconds_count{client_id="ingest"} 20',
        '',
      ].join('\n'),
    );
  });

  it('takes a prefix and extra labels; escapes label values; NaN quantiles when no response came in the window', () => {
    const text = toPrometheus(
      { ...snapshot, clientId: 'a "quoted"\\client\nid', brokers: [], requestLatencyWindowCount: 0, requestLatencyP50: 0, requestLatencyP99: 0 },
      { prefix: 'app_kafka', labels: { service: 'billing' } },
    );
    const labels = 'client_id="a \\"quoted\\"\\\\client\\nid",service="billing"';
    expect(text).toContain(`app_kafka_record_send_total{${labels}} 10000\n`);
    expect(text).toContain(`app_kafka_request_latency_seconds{${labels},quantile="0.5"} NaN\n`);
    expect(text).toContain(`app_kafka_request_latency_seconds{${labels},quantile="0.99"} NaN\n`);
    expect(text).toContain(`app_kafka_request_latency_seconds_count{${labels}} 20\n`);
    // A gauge with no broker yet keeps its HELP and TYPE, with no sample.
    expect(text).toContain('# TYPE app_kafka_requests_in_flight gauge\n# HELP app_kafka_buffer_available_bytes');
    // Every line is a comment or `name{labels} value`, one sample per line.
    for (const line of text.trimEnd().split('\n')) {
      expect(line).toMatch(/^(# (HELP|TYPE) app_kafka_\w+ .+|app_kafka_\w+\{(\w+="(?:[^"\\\n]|\\["\\n])*",?)+\} (NaN|-?[\d.e+-]+))$/);
    }
  });

  it('refuses a prefix or label name Prometheus would not parse', () => {
    expect(() => toPrometheus(snapshot, { prefix: 'my-app' })).toThrow(/'my-app' is not a valid Prometheus name/);
    expect(() => toPrometheus(snapshot, { labels: { '1x': 'v' } })).toThrow(/'1x' is not a valid Prometheus name/);
  });
});
