// Metrics, hooks and logs of a real run on the mock cluster: N records produced, the counts the
// metrics give checked against N, the hooks called once per record, the traceparent header each
// record got in onSend read back by kcat, and every log line tagged with its component.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { from, lastValueFrom, toArray } from 'rxjs';
import { createProducer, toPrometheus, type ProducerInterceptor, type ProducerMetricsSnapshot } from '../../operators';
import type { ProducerRecord } from '../../src/types';
import { captureLogs } from '../support/logCapture';
import { mockClusterFixture } from '../support/clusterFixture';
import { kcatConsume } from '../support/kcat';

const fixture = mockClusterFixture('observability');

describe('observability on the mock cluster', () => {
  it('metrics count N records, hooks run N times, the traceparent injected in onSend is read back by kcat, logs name their component', async () => {
    const topic = await fixture.newTopic(6);
    const n = 20000;
    const valueBytes = 100;
    const records: ProducerRecord<string, string, number>[] = [];
    for (let i = 0; i < n; i++) records.push({ key: `k${i % 101}`, value: `v${i}`.padEnd(valueBytes, '.'), meta: i });

    const sent = new Map<number, string>();
    let acked = 0;
    const tracing: ProducerInterceptor<string, string, number> = {
      onSend(record) {
        const traceparent = `00-${(record.meta! + 1).toString(16).padStart(32, '0')}-${'1'.padStart(16, '0')}-01`;
        sent.set(record.meta!, traceparent);
        return { ...record, headers: { traceparent } };
      },
      onAcknowledgement(ack) {
        if (ack.error === undefined && sent.has(ack.meta!)) acked++;
      },
    };
    const { logger, lines } = captureLogs('debug');
    const producer = createProducer({ brokers: fixture.cluster.bootstrap, topic, clientId: 'obs-test', logger, metricsIntervalMs: 50, interceptors: [tracing] });
    const snapshots: ProducerMetricsSnapshot[] = [];
    producer.metrics$.subscribe((m) => snapshots.push(m));

    const acks = await lastValueFrom(producer.produce(from(records)).pipe(toArray()));
    expect(acks.filter((a) => a.error !== undefined)).toEqual([]);
    expect(acks).toHaveLength(n);
    const m = producer.metrics();
    await producer.close();

    // Hooks: once per record each.
    expect(sent.size).toBe(n);
    expect(acked).toBe(n);

    // Metrics: every record sent once (retries, if the mock caused any, resend theirs), none failed.
    expect(m.recordErrorTotal).toBe(0);
    expect(m.recordSendTotal).toBe(n + m.recordRetryTotal);
    expect(m.requestTotal).toBeGreaterThan(0);
    expect(m.requestLatencyCount).toBe(m.requestTotal);
    expect(m.byteTotal).toBeGreaterThanOrEqual(n * valueBytes);
    expect(m.recordsPerRequestAvg).toBeGreaterThan(1);
    expect(m.batchSizeAvg).toBeGreaterThan(valueBytes);
    expect(m.batchSizeMax).toBeGreaterThanOrEqual(m.batchSizeAvg);
    // Latency: present, ordered, and what a local broker gives (well under requestTimeoutMs).
    const avgMs = m.requestLatencySumMs / m.requestLatencyCount;
    expect(avgMs).toBeGreaterThan(0);
    expect(m.requestLatencyP50).toBeGreaterThan(0);
    expect(m.requestLatencyP50).toBeLessThanOrEqual(m.requestLatencyP99);
    expect(m.requestLatencyP99).toBeLessThanOrEqual(m.requestLatencyMax);
    expect(m.requestLatencyMax).toBeLessThan(5000);
    expect(m.requestsInFlight).toBe(0);
    expect(m.brokers.length).toBeGreaterThanOrEqual(1);
    expect(m.bufferAvailableBytes).toBe(m.bufferTotalBytes);
    // metrics$: a snapshot per 50 ms while it ran, and a last one on close with the final totals.
    expect(snapshots.length).toBeGreaterThanOrEqual(1);
    expect(snapshots[snapshots.length - 1]).toMatchObject({ recordSendTotal: m.recordSendTotal, requestTotal: m.requestTotal, clientId: 'obs-test' });
    const rendered = toPrometheus(m);
    expect(rendered).toContain(`rxkafka_producer_record_send_total{client_id="obs-test"} ${m.recordSendTotal}\n`);
    for (const b of m.brokers) expect(rendered).toContain(`rxkafka_producer_requests_in_flight{client_id="obs-test",broker="${b.nodeId}"} 0\n`);

    // What kcat reads: every record, each with the traceparent its onSend gave it.
    const read = await kcatConsume(fixture.cluster.bootstrap, topic);
    expect(read).toHaveLength(n);
    for (const r of read) {
      const meta = Number(r.value!.slice(1, r.value!.indexOf('.')));
      expect(r.headers).toEqual([['traceparent', sent.get(meta)]]);
    }

    // Logs: one child logger per component, each line with the client id; connections name their broker.
    const components = new Set(lines.map((l) => l.component));
    for (const c of ['producer', 'cluster', 'connection', 'idempotence']) expect(components).toContain(c);
    for (const l of lines) expect(l).toMatchObject({ clientId: 'obs-test', component: expect.any(String) });
    for (const l of lines.filter((x) => x.component === 'connection')) expect(l.broker).toMatch(/:\d+ \((nodeId \d+|bootstrap)\)$/);
  });

  // Needs the build (npm test builds first): the CLI as a user runs it.
  it('rxkafka perf --metrics: the summary line carries the producer metrics of the run', async () => {
    const topic = await fixture.newTopic(3);
    const cli = path.resolve(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
    const n = 5000;
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [cli, 'perf', '--brokers', fixture.cluster.bootstrap, '--topic', topic, '--num-records', String(n), '--metrics'], { timeout: 60000 }, (err, out) =>
        err ? reject(err) : resolve(out),
      ),
    );
    const lines = stdout.trimEnd().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]);
    expect(Object.keys(summary)).toEqual(['records', 'recordsPerSec', 'mbPerSec', 'latencyMs', 'peakRssBytes', 'failed', 'unsent', 'metrics']);
    expect(summary.records).toBe(n);
    expect(summary.metrics).toMatchObject({ clientId: 'rxkafka', recordErrorTotal: 0, requestsInFlight: 0 });
    expect(summary.metrics.recordSendTotal).toBe(n + summary.metrics.recordRetryTotal);
    expect(summary.metrics.requestLatencyP99).toBeGreaterThan(0);
  });
});
