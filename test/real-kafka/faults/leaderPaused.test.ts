// Issue 10, faults on real Kafka: SIGSTOP of a leader for longer than requestTimeoutMs, then
// SIGCONT — the broker merely slow. 100k keyed records over 10 s, acks=all, idempotence, 5 in
// flight, requestTimeoutMs 3000, to a 6-partition topic (RF 3, min.insync.replicas 2) whose
// partitions 0-2 node 1 leads; node 1 is paused for 7 s.
//
// What this exercises: timeouts on the producer's side while leadership stays where it is. The
// cluster's broker.session.timeout.ms is raised to 60 s so that the controller does not fence the
// paused node (the default, 9 s, is too close to the pause on a loaded machine; the fenced case
// is leaderPausedFenced.test.ts). Node 1's sockets stay open and accept bytes: the producer's
// requests to it go unanswered, time out after 3 s (RequestTimeoutError), the connection is closed
// and the batches are retried — to node 1 again, since it is still the leader. Node 1 is also a
// follower in every other partition's ISR, and replica.lag.time.max.ms (30 s) does not drop it
// in 7 s, so acks=all writes to nodes 2 and 3 wait for it as well and time out too (the broker
// answers REQUEST_TIMED_OUT, or the producer gives up first). On SIGCONT node 1 reads whatever
// its sockets still hold: requests the producer already gave up on may be appended then, and
// their retries must be recognised by sequence number, not written twice.
import { assertAllDelivered, run } from '../../support/faultRun';
import { kafkaClusterFixture } from '../../support/kafkaFixture';
import { IDEMPOTENT_5, LED_BY_1, topicHalfLedBy1, watchLeaders } from '../../support/kafkaFaults';
import { sleep } from '../../support/wait';

const PAUSE_MS = 7000;
const REQUEST_TIMEOUT_MS = 3000;

const fixture = kafkaClusterFixture('paused', { nodes: 3, brokerConfig: { 'broker.session.timeout.ms': 60_000 } });

it('SIGSTOP of the leader of 3 of 6 partitions for 7 s (requestTimeoutMs 3 s), then SIGCONT: requests time out and are retried, every record delivered once, in order', async () => {
  const kafka = fixture.cluster;
  const topic = await topicHalfLedBy1(kafka, 'paused');
  let stayed: Array<Set<number>> = [];
  const o = await run(kafka, {
    topic,
    durationMs: 10_000,
    config: { ...IDEMPOTENT_5, requestTimeoutMs: REQUEST_TIMEOUT_MS },
    fault: async ({ producer }) => {
      const watch = watchLeaders(producer, topic);
      kafka.pause(1);
      await sleep(PAUSE_MS);
      kafka.resume(1);
      await sleep(1000);
      watch.stop();
      stayed = LED_BY_1.map((p) => watch.seen(p));
    },
    beforeRead: () => kafka.waitForFullIsr(topic),
  });
  assertAllDelivered(o);
  // The fault was hit: requests timed out on the producer's side …
  expect(o.batchErrors).toContain('RequestTimeoutError');
  // … while node 1 stayed the leader of its partitions (merely slow, never fenced).
  for (const seen of stayed) expect([...seen]).toEqual([1]);
  expect(await kafka.leaders(topic)).toEqual([1, 1, 1, 2, 3, 2]);
}, 240_000);
