// Issue 13, points 1 and 2 on Apache Kafka (one node): shutting down without losing the count.
// - `rxkafka produce` fed by an endless `seq`, stopped by SIGINT: exit 130, the summary last,
//   and the topic's end offsets (kcat -Q, not rxkafka) equal the acked count it states.
// - The library: `records$.pipe(takeUntil(shutdown$), toKafka(…))` acks every record taken; with
//   createProducer, `close(timeoutMs)` bounds the wait and reports the rest as ProducerClosedError
//   acks — every record read is acked or reported, even while the broker does not answer.
// - `producer.connectionEvents$`: failed connects and "no broker answered" as they happen.
import { defer, interval, lastValueFrom, map, Observable, Subject, takeUntil, tap, toArray } from 'rxjs';
import { createProducer, ProducerClosedError, toKafka, type Ack, type ConnectionEvent } from '../../operators';
import { CliProcess, kcatEndOffsetSum, produceSummaryOf } from '../support/cliProcess';
import { kafkaClusterFixture } from '../support/kafkaFixture';
import { unusedPort } from '../support/wait';

const fixture = kafkaClusterFixture('shutdown', { nodes: 1 });

afterEach(() => CliProcess.killAll());

/** Polls `check` every 100 ms until it is true; fails after `timeoutMs` (a bound, not an expectation). */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An endless pushed source, a record per ms or so, counting what it emitted (what the producer "read"). */
function endless(read: { count: number }): Observable<{ key: string; value: string; meta: number }> {
  return interval(1).pipe(
    map((i) => ({ key: `k${i % 7}`, value: `v${i}`, meta: i })),
    tap(() => read.count++),
  );
}

test('rxkafka produce, stopped by SIGINT mid-stream: exit 130, summary last, the acked count is what Kafka holds', async () => {
  const topic = await fixture.newTopic(3);
  const bootstrap = fixture.cluster.bootstrap;
  const cli = new CliProcess(['produce', '--brokers', bootstrap, '--topic', topic, '--close-timeout-ms', '60000'], 'endless');
  await until('records reach Kafka', async () => (await kcatEndOffsetSum(bootstrap, topic, 3)) > 1000);
  cli.kill('SIGINT');
  const r = await cli.exit(90_000);
  expect({ code: r.code, signal: r.signal }).toEqual({ code: 130, signal: null });
  const s = produceSummaryOf(r.stdout);
  expect(s.records).toBeGreaterThan(1000);
  expect({ acked: s.acked, failed: s.failed, unsent: s.unsent }).toEqual({ acked: s.records, failed: 0, unsent: 0 });
  expect(await kcatEndOffsetSum(bootstrap, topic, 3)).toBe(s.acked);
});

test('takeUntil(shutdown$) before toKafka: the stream completes, every record taken is acked, and Kafka holds exactly those', async () => {
  const topic = await fixture.newTopic(3);
  const read = { count: 0 };
  const shutdown$ = new Subject<void>();
  let acked = 0;
  const acks = lastValueFrom(
    endless(read).pipe(
      takeUntil(shutdown$),
      toKafka<string, string, number>({ brokers: fixture.cluster.bootstrap, topic }),
      tap(() => acked++),
      toArray(),
    ),
  );
  await until('acks flow', () => acked > 500);
  shutdown$.next();
  const all = await acks;
  expect(all).toHaveLength(read.count);
  expect(all.filter((a) => a.error !== undefined)).toEqual([]);
  // One ack per record, each record once.
  expect(new Set(all.map((a) => a.meta)).size).toBe(read.count);
  expect(await kcatEndOffsetSum(fixture.cluster.bootstrap, topic, 3)).toBe(read.count);
});

test('createProducer + close(timeoutMs) while the broker does not answer: every record read is acked or failed with ProducerClosedError', async () => {
  const { cluster } = fixture;
  const topic = await fixture.newTopic(3);
  // stopOnError: false, so that each record the close gives up on gets its own ack (by default the
  // stream errors once, with a RecordError counting them).
  const producer = createProducer({ brokers: cluster.bootstrap, topic, lingerMs: 5, stopOnError: false });
  const read = { count: 0 };
  const shutdown$ = new Subject<void>();
  const acks: Ack<number>[] = [];
  const completed = new Promise<void>((resolve, reject) =>
    producer.produce(defer(() => endless(read)).pipe(takeUntil(shutdown$))).subscribe({ next: (a) => acks.push(a), error: reject, complete: resolve }),
  );
  await until('acks flow', () => acks.length > 500);
  cluster.pause(1);
  try {
    // Records read while the broker is stopped: they cannot be acked before the close gives up.
    const readAtPause = read.count;
    await until('records read after the pause', () => read.count > readAtPause + 200);
    shutdown$.next();
    await producer.close(2000);
    await completed;
  } finally {
    cluster.resume(1);
  }
  expect(acks).toHaveLength(read.count);
  const ok = acks.filter((a) => a.error === undefined).length;
  const closedBeforeAck = acks.filter((a) => a.error instanceof ProducerClosedError).length;
  expect(ok + closedBeforeAck).toBe(read.count);
  expect(closedBeforeAck).toBeGreaterThan(0);
  // Kafka holds every acked record; those the close gave up on may or may not have reached it.
  const held = await kcatEndOffsetSum(cluster.bootstrap, topic, 3);
  expect(held).toBeGreaterThanOrEqual(ok);
  expect(held).toBeLessThanOrEqual(read.count);
});

test('connectionEvents$: a failed connect and "no broker answered" while waiting; then connected, on a live broker', async () => {
  const dead = `127.0.0.1:${await unusedPort()}`;
  const events: ConnectionEvent[] = [];
  const lost = createProducer({ brokers: dead, topic: 'x', maxBlockMs: 1500 });
  lost.connectionEvents$.subscribe((e) => events.push(e));
  await expect(lost.cluster.waitForTopic('x', 1500)).rejects.toThrow(/no broker answered/);
  await lost.close();
  expect(events.find((e) => e.type === 'connectFailed')).toMatchObject({ nodeId: -1, broker: dead, error: { message: expect.stringMatching(/ECONNREFUSED/) } });
  expect(events.find((e) => e.type === 'noBrokerAnswered')).toMatchObject({ broker: dead });
  expect(events.every((e) => e.type === 'connectFailed' || e.type === 'noBrokerAnswered')).toBe(true);

  const topic = await fixture.newTopic(1);
  const live: ConnectionEvent[] = [];
  const producer = createProducer({ brokers: fixture.cluster.bootstrap, topic });
  let completed = false;
  producer.connectionEvents$.subscribe({ next: (e) => live.push(e), complete: () => (completed = true) });
  const [ack] = await lastValueFrom(producer.produce([{ value: 'one' }]).pipe(toArray()));
  await producer.close();
  expect(ack.error).toBeUndefined();
  // The bootstrap address first, then node 1 by its id, as metadata named it.
  expect(live.map((e) => [e.type, e.nodeId, e.broker])).toEqual([
    ['connected', -1, fixture.cluster.bootstrap],
    ['connected', 1, fixture.cluster.brokers[0]],
  ]);
  expect(completed).toBe(true);
});
