// Issue 3, scenario 2: connections dropped mid-request, repeatedly — 100k keyed records, 5 in
// flight, strict broker.
//
// The mock closes the connection when a request carrying the pushed code -195 arrives: that
// request is lost unanswered, and so are the responses of the requests before it that the broker
// had appended but not yet answered (a 20 ms round trip holds them back). The producer resends all
// of them; the strict broker acks the ones it already has with their first offsets and writes
// nothing twice, so the log must hold each record once, in order.
import { ApiKey, ErrorCode } from '../support/MockCluster';
import { assertAllDelivered, BROKERS, clusterPerTest, run } from '../support/faultRun';
import { sleep } from '../support/wait';

const mock = clusterPerTest();

it('connections closed with requests in flight, 6 times: every record delivered once, in order', async () => {
  for (let id = 1; id <= BROKERS; id++) await mock().setRtt(id, 20);
  const o = await run(mock(), {
    fault: async () => {
      for (let burst = 0; burst < 3; burst++) {
        await mock().pushErrors(ApiKey.Produce, [ErrorCode.CLOSE_CONNECTION, ErrorCode.CLOSE_CONNECTION]);
        await sleep(500);
      }
    },
  });
  assertAllDelivered(o);
  expect(o.batchErrors.filter((e) => e === 'ConnectionError').length).toBeGreaterThanOrEqual(6);
});
