// Issue 10, faults on real Kafka: `kill -9` of the node that leads half the partitions, mid-stream.
// 100k keyed records over 10 s, acks=all, idempotence, 5 in flight, to a 6-partition topic (RF 3,
// min.insync.replicas 2) whose replica assignment makes node 1 the leader of partitions 0-2.
//
// What happens on the cluster: node 1's sockets close at once, taking its in-flight requests
// (possibly appended, unanswered) with them; the controller fences it after
// broker.session.timeout.ms (9 s) and moves its leaderships to nodes 2 and 3, which were in sync;
// until then the other partitions' acks=all writes wait for node 1 in their ISR too. The producer
// must retry into the new leaders, and the broker must recognise each retry of an appended
// request by its producer id and sequence (DUPLICATE_SEQUENCE_NUMBER or the same offsets) — so
// nothing acked is lost, nothing is written twice, every key stays in order. Node 1 comes back
// (restart on its data) before the topic is read, so kcat sees every replica's log as it is.
import { assertAllDelivered, run } from '../../support/faultRun';
import { kafkaClusterFixture } from '../../support/kafkaFixture';
import { IDEMPOTENT_5, LED_BY_1, topicHalfLedBy1, watchLeaders } from '../../support/kafkaFaults';
import { waitUntil } from '../../support/wait';

const fixture = kafkaClusterFixture('killed', { nodes: 3 });

it('kill -9 of the leader of 3 of 6 partitions mid-stream, restarted later: every record delivered once, in order, via the new leaders', async () => {
  const kafka = fixture.cluster;
  const topic = await topicHalfLedBy1(kafka, 'killed');
  let moved: Array<Set<number>> = [];
  const o = await run(kafka, {
    topic,
    durationMs: 10_000,
    config: IDEMPOTENT_5,
    fault: async ({ producer }) => {
      const watch = watchLeaders(producer, topic);
      await kafka.kill(1);
      // The producer learns the new leaders from the surviving nodes' metadata.
      await waitUntil(() => LED_BY_1.every((p) => [...watch.seen(p)].some((id) => id !== 1)), 90_000);
      watch.stop();
      moved = LED_BY_1.map((p) => watch.seen(p));
      await kafka.restart(1);
    },
    beforeRead: () => kafka.waitForFullIsr(topic),
  });
  assertAllDelivered(o);
  // The fault was hit: node 1's partitions went to another leader, and batches in flight to it failed.
  for (const seen of moved) expect([...seen].some((id) => id === 2 || id === 3)).toBe(true);
  expect(o.batchErrors.length).toBeGreaterThan(0);
}, 240_000);
