// Issue 10, faults on real Kafka: SIGSTOP of a leader until the controller fences it and moves its
// leaderships, then SIGCONT — a leader that comes back from the dead. 100k keyed records over
// 10 s, acks=all, idempotence, 5 in flight, requestTimeoutMs 3000, to a 6-partition topic (RF 3,
// min.insync.replicas 2) whose partitions 0-2 node 1 leads.
//
// What this exercises: the producer's requests to the paused node time out (RequestTimeoutError)
// while its sockets stay open; after broker.session.timeout.ms (9 s, the default) without a
// heartbeat the controller fences node 1, drops it from every ISR and elects new leaders for
// partitions 0-2; the producer must find them (its metadata) and send there. When node 1 wakes up
// it still holds requests in its sockets and believes, for a moment, that it leads: whatever it
// appends then cannot reach min.insync.replicas (its followers fetch from the new leaders) and is
// truncated away when it rejoins as a follower, so a record must never be acked from there — and
// the retries of those batches on the new leaders must not be written twice. The pause lasts
// until the surviving nodes' metadata shows the new leaders, not a fixed time.
import { assertAllDelivered, run } from '../../support/faultRun';
import { kafkaClusterFixture } from '../../support/kafkaFixture';
import { IDEMPOTENT_5, LED_BY_1, topicHalfLedBy1, watchLeaders } from '../../support/kafkaFaults';
import { sleep, waitUntil } from '../../support/wait';

const fixture = kafkaClusterFixture('fenced', { nodes: 3 });

it('SIGSTOP of the leader of 3 of 6 partitions until it is fenced and its partitions move, then SIGCONT: every record delivered once, in order, via the new leaders', async () => {
  const kafka = fixture.cluster;
  const topic = await topicHalfLedBy1(kafka, 'fenced');
  let movedTo: number[] = [];
  let moved: Array<Set<number>> = [];
  const o = await run(kafka, {
    topic,
    durationMs: 10_000,
    config: { ...IDEMPOTENT_5, requestTimeoutMs: 3000 },
    fault: async ({ producer }) => {
      const watch = watchLeaders(producer, topic);
      kafka.pause(1);
      // kafka.leaders() asks the nodes that are not paused.
      for (;;) {
        movedTo = await kafka.leaders(topic).catch(() => []);
        if (movedTo.length > 0 && LED_BY_1.every((p) => movedTo[p] > 1)) break;
        await sleep(500);
      }
      await waitUntil(() => LED_BY_1.every((p) => [...watch.seen(p)].some((id) => id !== 1)), 60_000);
      kafka.resume(1);
      watch.stop();
      moved = LED_BY_1.map((p) => watch.seen(p));
    },
    beforeRead: () => kafka.waitForFullIsr(topic),
  });
  assertAllDelivered(o);
  // The fault was hit: requests to the paused node timed out, and its partitions moved.
  expect(o.batchErrors).toContain('RequestTimeoutError');
  for (const seen of moved) expect([...seen].some((id) => id === 2 || id === 3)).toBe(true);
}, 240_000);
