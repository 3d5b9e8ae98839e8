// sendWhenIdle on Apache Kafka itself: records that trickle in (one every 40 ms) with a long
// lingerMs (1500 ms). By default a partition with nothing on its way sends at once, so each record
// is acked in about a round trip, far below lingerMs, and the log holds several small batches; with
// sendWhenIdle: false every batch lingers as Java's does, so the first record waits the whole
// lingerMs and the log holds one batch of them all. The log is read as stored (DumpLogSegments) and
// back by Kafka's console consumer: complete and in order either way.
import { concat, ignoreElements, interval, lastValueFrom, map, take, timer, toArray } from 'rxjs';
import { toKafka } from '../../operators';
import { consoleConsume } from '../support/consoleConsumer';
import { dumpLog } from '../support/dumpLog';
import { kafkaClusterFixture } from '../support/kafkaFixture';

const fixture = kafkaClusterFixture('send-when-idle', { nodes: 1 });
const N = 12;
const GAP_MS = 40;
const LINGER_MS = 1500;

/** N records, GAP_MS apart, each acked: how long each ack took after its record was emitted. */
async function trickle(topic: string, sendWhenIdle: boolean | undefined): Promise<number[]> {
  // The stream stays open past lingerMs: its end would flush the open batch (no linger then).
  const records$ = concat(
    interval(GAP_MS).pipe(
      take(N),
      map((i) => ({ value: `r${i}`, meta: { i, emittedMs: Date.now() } })),
    ),
    timer(LINGER_MS + 500).pipe(ignoreElements()),
  );
  const acks = await lastValueFrom(
    records$.pipe(
      toKafka({ brokers: fixture.cluster.bootstrap, topic, lingerMs: LINGER_MS, ...(sendWhenIdle === undefined ? {} : { sendWhenIdle }) }),
      map((ack) => ({ ack, latencyMs: Date.now() - ack.meta.emittedMs })),
      toArray(),
    ),
  );
  expect(acks.map((a) => a.ack.error)).toEqual(Array(N).fill(undefined));
  expect(acks.map((a) => a.ack.meta.i)).toEqual(Array.from({ length: N }, (_, i) => i));
  return acks.map((a) => a.latencyMs);
}

async function readBack(topic: string): Promise<void> {
  const read = await consoleConsume(fixture.cluster, topic, { maxMessages: N });
  expect(read.map((r) => r.value)).toEqual(Array.from({ length: N }, (_, i) => `r${i}`));
}

test('by default, a partition with nothing on its way sends at once: every ack well within lingerMs, several batches in the log', async () => {
  const topic = await fixture.newTopic(1);
  const latencies = await trickle(topic, undefined);
  // Without the rule the first record would wait the whole lingerMs (next test).
  expect(Math.max(...latencies)).toBeLessThan(LINGER_MS / 2);
  const batches = await dumpLog(fixture.cluster, 1, topic, 1);
  expect(batches.reduce((n, b) => n + b.count, 0)).toBe(N);
  expect(batches.length).toBeGreaterThan(1);
  await readBack(topic);
});

test('sendWhenIdle: false (as Java): the first record waits lingerMs, and the records of that time go as one batch', async () => {
  const topic = await fixture.newTopic(1);
  const latencies = await trickle(topic, false);
  expect(latencies[0]).toBeGreaterThanOrEqual(LINGER_MS);
  const batches = await dumpLog(fixture.cluster, 1, topic, 1);
  expect(batches.map((b) => b.count)).toEqual([N]);
  await readBack(topic);
});
