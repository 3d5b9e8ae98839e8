// Issue 3, scenario 1: retriable errors pushed on Produce, in bursts, then recovery — 100k keyed
// records, 5 requests in flight, on the strict broker (test/broker/setup.sh).
//
// A pushed error fails a whole request and appends nothing, while the requests behind it on the
// connection are already in flight: the broker refuses those with OUT_OF_ORDER_SEQUENCE_NUMBER
// (their sequence no longer follows), and the producer must resend in order. So per-key order is
// asserted with 5 in flight here, which the stock mock could not check.
import { ErrorCode, ApiKey } from '../support/MockCluster';
import {
  assertAllDelivered,
  BROKERS,
  clusterPerTest,
  countRefreshes,
  run,
} from '../support/faultRun';
import { sleep } from '../support/wait';

const mock = clusterPerTest();

it('bursts of NOT_LEADER_OR_FOLLOWER, REQUEST_TIMED_OUT, NOT_ENOUGH_REPLICAS…: every record delivered once, in order, metadata refreshed', async () => {
  // A 20 ms round trip keeps several requests per connection in flight when a burst lands.
  for (let id = 1; id <= BROKERS; id++) await mock().setRtt(id, 20);
  const codes = [
    ErrorCode.NOT_LEADER_OR_FOLLOWER,
    ErrorCode.REQUEST_TIMED_OUT,
    ErrorCode.NOT_ENOUGH_REPLICAS,
    ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
    ErrorCode.LEADER_NOT_AVAILABLE,
  ];
  let refreshes = (): number => 0;
  const o = await run(mock(), {
    fault: async ({ producer }) => {
      refreshes = countRefreshes(producer);
      for (let burst = 0; burst < 5; burst++) {
        await mock().pushErrors(ApiKey.Produce, [...codes, ...codes]);
        await sleep(300);
      }
    },
  });
  assertAllDelivered(o);
  for (const name of ['NOT_LEADER_OR_FOLLOWER', 'REQUEST_TIMED_OUT', 'NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', 'LEADER_NOT_AVAILABLE']) {
    expect(o.batchErrors).toContain(name);
  }
  // NOT_LEADER_OR_FOLLOWER and friends ask for fresh metadata before the retry (metadataMaxAgeMs
  // is 5 minutes: no refresh is due on age during the test).
  expect(refreshes()).toBeGreaterThan(0);
});
