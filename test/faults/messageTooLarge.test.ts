// MESSAGE_TOO_LARGE mid-stream on the strict broker — 100k keyed records, 5 in flight,
// idempotent: three requests are refused as too large, so each of their batches is split and its
// parts go in its place, under the same producer id, epoch and sequence range; the batches in
// flight behind them are refused out of order and follow. Every record is delivered exactly once,
// in per-key order, at its ack's offset — and no epoch was bumped: the sequences never had a gap.
import { assertAllDelivered, BROKERS, clusterPerTest, run } from '../support/faultRun';
import { ApiKey, ErrorCode } from '../support/MockCluster';
import { sleep } from '../support/wait';

const mock = clusterPerTest();

it('three refused requests: their batches are split and delivered, nothing lost, duplicated or reordered, no epoch bump', async () => {
  for (let id = 1; id <= BROKERS; id++) await mock().setRtt(id, 20);
  let txn: { producerId: bigint; producerEpoch: number; epochBumps: number } | undefined;
  let atFault = '';
  let splits = 0;
  const o = await run(mock(), {
    // A longer linger: batches of tens of records, so that every refused batch has several to split.
    config: { stopOnError: false, lingerMs: 20 },
    fault: async ({ producer }) => {
      txn = (producer.sender as unknown as { idempotence: typeof txn }).idempotence;
      atFault = `${txn!.producerId}/${txn!.producerEpoch}`;
      for (let i = 0; i < 3; i++) {
        await mock().pushErrors(ApiKey.Produce, [ErrorCode.MESSAGE_TOO_LARGE]);
        await sleep(500);
      }
      splits = producer.sender.metrics.batchSplitTotal;
    },
  });
  assertAllDelivered(o);
  expect(splits).toBeGreaterThanOrEqual(3);
  expect(`${txn!.producerId}/${txn!.producerEpoch}`).toBe(atFault);
  expect(txn!.epochBumps).toBe(0);
});
