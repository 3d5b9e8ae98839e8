// Issue 3, scenario 9: flush() and close(timeoutMs) with records in flight — 100k keyed records,
// 5 in flight, strict broker. What can be delivered within the timeout is delivered, the rest is
// reported failed with a typed error; neither call nor the stream ever hangs.
import { DeliveryTimeoutError, ProducerClosedError } from '../../operators';
import { assertAllDelivered, assertConsistent, clusterPerTest, leaderOf, run, verify } from '../support/faultRun';
import { sleep } from '../support/wait';

const mock = clusterPerTest();

it('flush() mid-stream resolves once the records given before it are acked, while the stream goes on', async () => {
  // Broker 1 answers after 200 ms: its partitions have requests in flight when flush() is called.
  await mock().setRtt(1, 200);
  let sentBefore = 0;
  let flushMs = -1;
  let sentAfter = 0;
  const unackedAtFlush: number[] = [];
  const o = await run(mock(), {
    fault: async ({ producer, sent, acks }) => {
      sentBefore = sent();
      const t = Date.now();
      await producer.flush();
      flushMs = Date.now() - t;
      sentAfter = sent();
      const acked = new Set(acks.map((a) => a.meta));
      for (let i = 0; i < sentBefore; i++) if (!acked.has(i)) unackedAtFlush.push(i);
    },
  });
  assertAllDelivered(o);
  expect(unackedAtFlush.slice(0, 5)).toEqual([]);
  // Like Java's flush(): it waits for the records it was given, not for the ones that keep
  // coming (here ~17k a second, for seconds after the call).
  expect(flushMs).toBeGreaterThanOrEqual(0);
  expect(flushMs).toBeLessThan(2000);
  expect(sentAfter).toBeLessThan(o.n);
});

it('close(1000) mid-stream while broker 3 answers after 3 s: the rest is delivered or failed with ProducerClosedError within the timeout, the stream ends', async () => {
  const slow = 3;
  let sentAtClose = 0;
  let sentAtClosed = 0;
  let closeStartMs = 0;
  let closeMs = -1;
  const o = await run(mock(), {
    config: { stopOnError: false },
    fault: async ({ producer, sent }) => {
      await mock().setRtt(slow, 3000);
      await sleep(1000);
      sentAtClose = sent();
      closeStartMs = Date.now();
      await producer.close(1000);
      closeMs = Date.now() - closeStartMs;
      sentAtClosed = sent();
    },
  });
  expect(closeMs).toBeGreaterThanOrEqual(0);
  expect(closeMs).toBeLessThan(2000);
  expect(o.error).toBeNull();
  expect(o.elapsedMs).toBeLessThan(5000 + 3000);
  // A record in flight when close gave up may have been written (the broker appends on arrival and
  // answers later; broker 3 3 s later): its fate is unknown, as with Java's forced close.
  const r = verify(o, { unknownFate: [DeliveryTimeoutError, ProducerClosedError] });
  assertConsistent(r);
  expect(r.acked + r.failed).toBe(o.n);
  const notDelivered: string[] = [];
  for (const a of o.acks) {
    if (a.error !== undefined) expect(a.error).toBeInstanceOf(ProducerClosedError);
    // Sent before close() to the brokers that answer at once: delivered within the timeout.
    else continue;
    if (a.meta! < sentAtClose && leaderOf(a.partition!) !== slow) notDelivered.push(`v${a.meta} on ${a.partition}`);
  }
  expect(notDelivered.slice(0, 5)).toEqual([]);
  // Once close() returned, nothing more is delivered: every record pushed after it fails.
  const ackedAfter = o.acks.filter((a, k) => a.error === undefined && o.ackTimes[k] > closeStartMs + closeMs + 100);
  expect(ackedAfter).toEqual([]);
  expect(o.acks.filter((a) => a.meta! >= sentAtClosed && a.error === undefined)).toEqual([]);
  expect(r.failed).toBeGreaterThanOrEqual(o.n - sentAtClosed);
});
