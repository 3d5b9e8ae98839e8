// Issue 3, scenario 5: responses slower than requestTimeoutMs for a while, then normal — 100k keyed
// records, 5 in flight, strict broker.
//
// The mock appends a request when it arrives and only delays the response: every request that
// times out was written, and its retry must be recognised as a duplicate (same epoch and
// sequences) and acked with the first offset, not written again. Nothing may fail: the delivery
// timeout is far away.
import { assertAllDelivered, clusterPerTest, run } from '../support/faultRun';
import { sleep } from '../support/wait';

const mock = clusterPerTest();

it('brokers 1 and 2 answer after 1.5 s (requestTimeoutMs 1 s) for 3 s: every record delivered once, in order', async () => {
  const o = await run(mock(), {
    config: { requestTimeoutMs: 1000, deliveryTimeoutMs: 60_000 },
    fault: async () => {
      await mock().setRtt(1, 1500);
      await mock().setRtt(2, 1500);
      await sleep(3000);
      await mock().setRtt(1, 0);
      await mock().setRtt(2, 0);
    },
  });
  assertAllDelivered(o);
  expect(o.batchErrors).toContain('RequestTimeoutError');
});
