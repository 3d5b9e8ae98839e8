// Issue 3, scenario 3: a broker down for several seconds, then back; and a broker down while its
// partitions' leadership moves to the others — 100k keyed records, 5 in flight, strict broker.
//
// `down` closes the broker's connections: requests it had appended lose their responses, and
// their retries must be recognised by the broker (same producer id, epoch and sequences) rather
// than written again. The mock keeps one log per partition whichever broker leads it, as replicas
// would, so a retry that reaches the new leader is recognised there too.
import { assertAllDelivered, clusterPerTest, leaderOf, Outcome, PARTITIONS, run } from '../support/faultRun';
import { sleep, waitUntil } from '../support/wait';

const mock = clusterPerTest();

// Broker 2 answers after 50 ms, so that it has requests in flight (appended, unanswered) when it goes down.
beforeEach(() => mock().setRtt(2, 50));

/** Acks of `partitions` that arrived between fromMs and toMs. */
function acksBetween(o: Outcome, partitions: number[], fromMs: number, toMs: number): number {
  return o.acks.filter((a, k) => partitions.includes(a.partition!) && o.ackTimes[k] > fromMs && o.ackTimes[k] < toMs).length;
}

it('broker 2 down for 3 s, then up: its partitions wait, then every record is delivered once, in order', async () => {
  let downAtMs = 0;
  let upAtMs = 0;
  const o = await run(mock(), {
    fault: async () => {
      await mock().brokerDown(2);
      downAtMs = Date.now();
      await sleep(3000);
      await mock().brokerUp(2);
      upAtMs = Date.now();
    },
  });
  assertAllDelivered(o);
  // Broker 2's partitions acked nothing while it was down, and caught up once it was back.
  const onBroker2 = [...Array(PARTITIONS).keys()].filter((p) => leaderOf(p) === 2);
  expect(acksBetween(o, onBroker2, downAtMs + 200, upAtMs)).toBe(0);
  expect(acksBetween(o, onBroker2, upAtMs, Infinity)).toBeGreaterThan(1000);
});

it("broker 2 down while its partitions' leadership moves to brokers 1 and 3: every record delivered once, in order", async () => {
  const moved = [...Array(PARTITIONS).keys()].filter((p) => leaderOf(p) === 2);
  let downAtMs = 0;
  let upAtMs = 0;
  const o = await run(mock(), {
    fault: async ({ topic, producer }) => {
      await mock().brokerDown(2);
      downAtMs = Date.now();
      await sleep(300);
      // As a controller would after losing broker 2: its partitions go to the others.
      for (const p of moved) await mock().setLeader(topic, p, p % 2 === 0 ? 1 : 3);
      await waitUntil(() => moved.every((p) => producer.cluster.leaderFor(topic, p)?.nodeId !== 2), 10_000);
      await sleep(2500);
      upAtMs = Date.now();
      await mock().brokerUp(2);
    },
  });
  assertAllDelivered(o);
  // The moved partitions were delivered to their new leaders while broker 2 was still down.
  expect(acksBetween(o, moved, downAtMs, upAtMs)).toBeGreaterThan(1000);
});
