// Issue 10, faults on real Kafka: the in-sync replicas fall below min.insync.replicas
// (NOT_ENOUGH_REPLICAS), then recover. 100k keyed records, acks=all, idempotence, 5 in flight.
//
// How the ISR is brought below the minimum while the cluster lives: the topic has RF 3 and
// min.insync.replicas 3, and one node is stopped. Stopping two of three nodes (so that RF 3 with
// min.insync.replicas 2 falls short) would also take two of the three KRaft controllers, and
// without a quorum no ISR change or leader election happens at all — that would test a frozen
// cluster, not NOT_ENOUGH_REPLICAS. With one node gone the quorum and every leader stay: the
// stopped node (3) leads nothing here (NONE_LED_BY_3), the controller drops it from the ISRs
// during its controlled shutdown, and nodes 1 and 2 refuse acks=all writes with
// NOT_ENOUGH_REPLICAS — retriable: the producer keeps retrying until node 3 is back in sync.
// (While node 3 shuts down, the leaders may also hold writes waiting for it past requestTimeoutMs.)
//  1. Back within deliveryTimeoutMs (default 120 s): every record is delivered once, in order.
//  2. Back only after deliveryTimeoutMs (8 s here): the records that waited too long fail with a
//     typed DeliveryTimeoutError carrying the last error of their batch, and are not in the log —
//     save those whose earlier attempt timed out unanswered (written, as far as the producer can
//     know: verify()'s unknown-fate rule; the broker checks min.insync.replicas before it looks
//     for a duplicate, so their retries were refused too). The records after recovery are delivered.
import { DeliveryTimeoutError, KafkaProtocolError } from '../../../operators';
import { assertAllDelivered, assertConsistent, newKafkaTopic, run, verify } from '../../support/faultRun';
import { kafkaClusterFixture } from '../../support/kafkaFixture';
import { IDEMPOTENT_5, NONE_LED_BY_3 } from '../../support/kafkaFaults';
import { sleep, waitUntil } from '../../support/wait';

const fixture = kafkaClusterFixture('minisr', { nodes: 3 });

const STOPPED = 3;
const MIN_ISR_3 = { replicaAssignment: NONE_LED_BY_3, config: { 'min.insync.replicas': 3 } };

it('node 3 of 3 stopped under min.insync.replicas 3: NOT_ENOUGH_REPLICAS retried until it is back, every record delivered once, in order', async () => {
  const kafka = fixture.cluster;
  const topic = await newKafkaTopic(kafka, 'minisr', MIN_ISR_3);
  const o = await run(kafka, {
    topic,
    durationMs: 10_000,
    config: IDEMPOTENT_5,
    fault: async ({ batchErrors }) => {
      await kafka.stopNode(STOPPED);
      await waitUntil(() => batchErrors.includes('NOT_ENOUGH_REPLICAS'), 60_000);
      // Some more rounds of refusals and retries.
      await sleep(2000);
      await kafka.restart(STOPPED);
      await kafka.waitForFullIsr(topic, 120_000);
    },
  });
  assertAllDelivered(o);
  expect(o.batchErrors).toContain('NOT_ENOUGH_REPLICAS');
}, 240_000);

it('node 3 stopped past deliveryTimeoutMs: the records that waited fail with a typed DeliveryTimeoutError and are not in the log; the rest are delivered once, in order', async () => {
  const kafka = fixture.cluster;
  const topic = await newKafkaTopic(kafka, 'minisr', MIN_ISR_3);
  const o = await run(kafka, {
    topic,
    durationMs: 20_000,
    config: { ...IDEMPOTENT_5, requestTimeoutMs: 3000, deliveryTimeoutMs: 8000, stopOnError: false },
    fault: async ({ acks }) => {
      await kafka.stopNode(STOPPED);
      await waitUntil(() => acks.some((a) => a.error !== undefined), 60_000);
      await kafka.restart(STOPPED);
      await kafka.waitForFullIsr(topic, 120_000);
    },
  });
  // Nothing acked lost, nothing twice, order kept; a failed record in the log only if its fate was unknown.
  const r = verify(o);
  assertConsistent(r);
  const failed = o.acks.filter((a) => a.error !== undefined);
  expect(failed.length).toBeGreaterThan(0);
  for (const a of failed) expect(a.error).toBeInstanceOf(DeliveryTimeoutError);
  // The fault was hit: batches ran out of time retrying NOT_ENOUGH_REPLICAS.
  const causes = new Set(failed.map((a) => (a.error!.cause instanceof KafkaProtocolError ? a.error!.cause.type : undefined)));
  expect(causes).toContain('NOT_ENOUGH_REPLICAS');
  expect(r.failedButWritten.count).toBeLessThan(r.failed);
  // After recovery the stream went on: the last record is delivered.
  expect(o.acks.find((a) => a.meta === o.n - 1)?.error).toBeUndefined();
}, 240_000);
