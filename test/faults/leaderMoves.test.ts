// Issue 3, scenario 4: leadership of several partitions moving during the stream, no broker down —
// 100k keyed records, 5 in flight, strict broker.
//
// The old leader refuses with NOT_LEADER_OR_FOLLOWER whatever reaches it after a move; the producer
// refreshes its metadata and sends the partition's batches to the new leader, never while some are
// still in flight to the old one (else the new leader could see a later sequence first). Broker 1
// answers after 100 ms, so its partitions have requests in flight at every move.
import { assertAllDelivered, BROKERS, clusterPerTest, leaderOf, run } from '../support/faultRun';
import { sleep } from '../support/wait';

const mock = clusterPerTest();

it('partitions 0–3 change leader 6 times mid-stream: every record delivered once, in order', async () => {
  await mock().setRtt(1, 100);
  const o = await run(mock(), {
    fault: async ({ topic }) => {
      for (let round = 1; round <= 6; round++) {
        for (let p = 0; p < 4; p++) await mock().setLeader(topic, p, ((leaderOf(p) - 1 + round) % BROKERS) + 1);
        await sleep(400);
      }
    },
  });
  assertAllDelivered(o);
  expect(o.batchErrors).toContain('NOT_LEADER_OR_FOLLOWER');
});
