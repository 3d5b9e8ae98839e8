import { from, type Subscription } from 'rxjs';
import { ErrorCode } from '../../src/protocol/errorCodes';
import type { ProducerMetricsSnapshot } from '../../src/metrics/MetricsSnapshot';
import type { Ack, ProducerRecord } from '../../src/types';
import { answer, fakeClusterProducer } from '../support/fakeCluster';
import { batchBytes } from '../support/produceResponses';
import { advanceTo, tick } from '../support/virtualTime';

const BUFFER_MEMORY = 1 << 20;
const BATCH_SIZE = 16384;

/**
 * The known workload: 5 records of 100 bytes (3 for partition 0, 2 for partition 1) and one whose
 * value the default serializer refuses. The source completes at once, so both batches go at t=0
 * in one request (end of stream: no linger); it is answered 5 ms later, partition 1 with
 * NOT_LEADER_OR_FOLLOWER; the retry (alone, after 100 ms ± 20 % backoff) is answered 20 ms after
 * it was written.
 */
async function runWorkload(interval = 1000) {
  const f = fakeClusterProducer({ lingerMs: 10, metricsIntervalMs: interval, stopOnError: false, bufferMemory: BUFFER_MEMORY, batchSize: BATCH_SIZE });
  const records: ProducerRecord[] = [0, 0, 0, 1, 1].map((partition, i) => ({ partition, value: Buffer.alloc(100, i), meta: i }));
  records.push({ partition: 0, value: { not: 'bytes' }, meta: 5 });
  const acks: Ack[] = [];
  f.producer.produce(from(records)).subscribe((a) => acks.push(a));
  await advanceTo(f.scheduler, 0);
  expect(f.broker.requests).toHaveLength(1);
  const first = f.broker.requests[0];
  const inFlight = f.producer.metrics();
  await advanceTo(f.scheduler, 5);
  answer(first, 0n, { 1: ErrorCode.NOT_LEADER_OR_FOLLOWER });
  for (let t = 6; f.broker.requests.length < 2 && t < 1000; t++) await advanceTo(f.scheduler, t);
  expect(f.broker.requests).toHaveLength(2);
  const retry = f.broker.requests[1];
  await advanceTo(f.scheduler, retry.atMs + 20);
  answer(retry, 3n);
  await tick();
  expect(acks).toHaveLength(6);
  return { ...f, first, retry, inFlight, acks };
}

describe('producer metrics (virtual time, fake broker)', () => {
  it('counts a known workload exactly: records, bytes, batches, requests, retries, errors, latency', async () => {
    const { producer, scheduler, first, retry, inFlight } = await runWorkload();
    // While the first request was out: one in flight to node 1, two batches' memory taken.
    expect(inFlight.requestsInFlight).toBe(1);
    expect(inFlight.brokers).toEqual([{ nodeId: 1, requestsInFlight: 1 }]);
    expect(inFlight.bufferAvailableBytes).toBe(BUFFER_MEMORY - 2 * BATCH_SIZE);

    const m = producer.metrics();
    const bytes = batchBytes(first.req) + batchBytes(retry.req);
    const nowMs = scheduler.now();
    expect(m).toMatchObject({
      clientId: 'rxkafka',
      timeMs: nowMs,
      windowMs: nowMs, // no window rolled yet: since the start
      recordSendTotal: 7, // 3 + 2, and the 2 retried
      requestTotal: 2,
      byteTotal: bytes,
      recordRetryTotal: 2,
      recordErrorTotal: 1, // the record the serializer refused
      recordsPerRequestAvg: 3.5,
      batchSizeAvg: bytes / 3,
      batchSizeMax: first.req.topics[0].partitions.find((p) => p.index === 0)!.records.length,
      requestLatencyCount: 2,
      requestLatencySumMs: 25,
      requestLatencyWindowCount: 2,
      requestLatencyAvg: 12.5,
      requestLatencyMax: 20,
      requestLatencyP99: 20,
      requestsInFlight: 0,
      brokers: [{ nodeId: 1, requestsInFlight: 0 }],
      bufferAvailableBytes: BUFFER_MEMORY,
      bufferTotalBytes: BUFFER_MEMORY,
    });
    expect(Math.abs(m.requestLatencyP50 - 5) / 5).toBeLessThan(1 / 128);
    expect(m.recordSendRate).toBeCloseTo((7 * 1000) / nowMs, 9);
    expect(m.byteRate).toBeCloseTo((bytes * 1000) / nowMs, 9);
    expect(m.requestRate).toBeCloseTo((2 * 1000) / nowMs, 9);
    expect(m.recordRetryRate).toBeCloseTo((2 * 1000) / nowMs, 9);
    expect(m.recordErrorRate).toBeCloseTo(1000 / nowMs, 9);
    await producer.close(0);
  });

  it('metrics$ emits every metricsIntervalMs over that window, a last one on close, then completes; the timer goes with it', async () => {
    const f = fakeClusterProducer({ lingerMs: 10, metricsIntervalMs: 1000 });
    const seen: ProducerMetricsSnapshot[] = [];
    let completed = false;
    f.producer.metrics$.subscribe({ next: (m) => seen.push(m), complete: () => (completed = true) });
    let streamError: unknown;
    f.producer.produce(from([{ partition: 0, value: 'a' }, { partition: 0, value: 'b' }])).subscribe({ error: (e) => (streamError = e) });
    await advanceTo(f.scheduler, 20);
    answer(f.broker.requests[0]);
    await advanceTo(f.scheduler, 2500);
    expect(seen.map((m) => [m.timeMs, m.windowMs, m.recordSendTotal, m.recordSendRate, m.requestLatencyWindowCount])).toEqual([
      [1000, 1000, 2, 2, 1],
      [2000, 1000, 2, 0, 0],
    ]);
    expect(seen[0].requestLatencyMax).toBe(20);
    expect(seen[1]).toMatchObject({ requestLatencyAvg: 0, requestLatencyP50: 0, requestLatencyP99: 0, requestLatencyMax: 0 });
    // On demand between ticks: the last complete window and the current one.
    expect(f.producer.metrics()).toMatchObject({ windowMs: 1500, recordSendTotal: 2 });
    await f.producer.close(0);
    expect(streamError).toBeUndefined();
    expect(seen).toHaveLength(3);
    expect(seen[2]).toMatchObject({ timeMs: 2500, windowMs: 500 });
    expect(completed).toBe(true);
    expect(f.scheduler.actions).toHaveLength(0);
    // After close, a new subscriber completes at once.
    let late = false;
    f.producer.metrics$.subscribe({ complete: () => (late = true) });
    expect(late).toBe(true);
  });

  it('shares one timer among subscribers and stops it when the last one leaves', async () => {
    const f = fakeClusterProducer({ metricsIntervalMs: 100 });
    const a: number[] = [];
    const b: number[] = [];
    const subA: Subscription = f.producer.metrics$.subscribe((m) => a.push(m.timeMs));
    const subB: Subscription = f.producer.metrics$.subscribe((m) => b.push(m.timeMs));
    expect(f.scheduler.actions).toHaveLength(1);
    await advanceTo(f.scheduler, 200);
    subA.unsubscribe();
    await advanceTo(f.scheduler, 300);
    subB.unsubscribe();
    expect(f.scheduler.actions).toHaveLength(0);
    expect(a).toEqual([100, 200]);
    expect(b).toEqual([100, 200, 300]);
    await f.producer.close(0);
  });

  it('metrics() without a metrics$ subscriber: each call covers the time since the previous one, once that is a whole interval', async () => {
    const { producer, scheduler } = await runWorkload(100);
    const end = scheduler.now();
    await advanceTo(scheduler, end + 150);
    // The first call: since the start.
    expect(producer.metrics()).toMatchObject({ windowMs: end + 150, recordSendRate: 7000 / (end + 150), recordSendTotal: 7 });
    await advanceTo(scheduler, end + 400);
    // Not the producer's whole life: the 250 ms since the previous call, when nothing was sent.
    expect(producer.metrics()).toMatchObject({ windowMs: 250, recordSendRate: 0, recordSendTotal: 7, requestLatencyWindowCount: 0 });
    await producer.close(0);
  });
});
