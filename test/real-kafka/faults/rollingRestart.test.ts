// Issue 10, faults on real Kafka: a rolling restart of all three nodes mid-stream, as an operator
// upgrades a cluster. 100k keyed records over 50 s, acks=all, idempotence, 5 in flight, to a
// 6-partition topic (RF 3, min.insync.replicas 2, leaders two per node).
//
// Each node in turn is stopped cleanly (SIGTERM: controlled shutdown, the controller moves its
// leaderships to the others and drops it from the ISRs first), started again on its data, and the
// next waits until every replica is back in sync — so min.insync.replicas is met throughout and
// every record must be delivered. What the producer meets: NOT_LEADER_OR_FOLLOWER from a node that
// just handed over, connections closed by a stopping node, and leaders that move twice per
// partition (away, and later back or elsewhere); its metadata must follow, and the batches retried
// on the new leaders must keep their sequences. The stream runs through the whole roll (checked).
import { assertAllDelivered, newKafkaTopic, run } from '../../support/faultRun';
import { kafkaClusterFixture } from '../../support/kafkaFixture';
import { IDEMPOTENT_5, watchLeaders } from '../../support/kafkaFaults';

const N = 100_000;

const fixture = kafkaClusterFixture('rolling', { nodes: 3 });

it('a rolling restart of all 3 nodes mid-stream (each stopped, restarted, back in sync): every record delivered once, in order', async () => {
  const kafka = fixture.cluster;
  const topic = await newKafkaTopic(kafka, 'rolling');
  const before = await kafka.leaders(topic);
  const sentAtStop: number[] = [];
  let leadersSeen: Array<Set<number>> = [];
  const o = await run(kafka, {
    topic,
    n: N,
    durationMs: 50_000,
    faultAt: 2000,
    config: IDEMPOTENT_5,
    fault: async ({ producer, sent }) => {
      const watch = watchLeaders(producer, topic);
      for (const id of kafka.ids()) {
        sentAtStop.push(sent());
        await kafka.stopNode(id);
        await kafka.restart(id);
        await kafka.waitForFullIsr(topic, 120_000);
      }
      watch.stop();
      leadersSeen = before.map((_, p) => watch.seen(p));
    },
  });
  assertAllDelivered(o);
  // The fault was hit mid-stream: the last node stopped while records were still going in, …
  expect(sentAtStop.length).toBe(3);
  expect(sentAtStop[2]).toBeLessThan(N);
  // … every partition's leader moved while the producer was sending, and batches were retried.
  for (const seen of leadersSeen) expect(seen.size).toBeGreaterThan(1);
  expect(o.batchErrors.length).toBeGreaterThan(0);
}, 300_000);
