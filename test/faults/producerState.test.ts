// Issue 3, scenario 8: the producer-state errors OUT_OF_ORDER_SEQUENCE_NUMBER, UNKNOWN_PRODUCER_ID
// and INVALID_PRODUCER_EPOCH, pushed on Produce — 100k keyed records, 5 in flight, strict broker.
// The broker appended nothing for the request hit; the requests behind it are refused by the
// strict broker as out of order. The producer must follow KIP-360 (epoch bump or new producer id,
// sequences restarted at 0 only once the partition's batches have settled): no duplicate, no
// reordering, and — since nothing of what was refused was written — no record lost at all.
import { ApiKey, ErrorCode } from '../support/MockCluster';
import { assertConsistent, BROKERS, clusterPerTest, Outcome, run, verify } from '../support/faultRun';
import { sleep } from '../support/wait';

const mock = clusterPerTest();

async function runWith(codes: number[]): Promise<Outcome> {
  for (let id = 1; id <= BROKERS; id++) await mock().setRtt(id, 20);
  return run(mock(), {
    config: { stopOnError: false },
    fault: async () => {
      for (let burst = 0; burst < 3; burst++) {
        await mock().pushErrors(ApiKey.Produce, codes);
        await sleep(500);
      }
    },
  });
}

/**
 * Consistent and complete: these errors say the broker appended nothing of the request hit, so
 * KIP-360 lets the producer resend every batch (restarted at sequence 0 where the partition's
 * sequences broke) — no record fails, and the producer did see each error.
 */
function checkRecovered(o: Outcome, names: string[]): void {
  expect(o.error).toBeNull();
  const r = verify(o);
  assertConsistent(r);
  expect(o.acks.filter((a) => a.error !== undefined).map((a) => `v${a.meta}: ${a.error!.message}`).slice(0, 3)).toEqual([]);
  expect(r.acked).toBe(o.n);
  expect(r.read).toBe(o.n);
  for (const name of names) expect(o.batchErrors).toContain(name);
}

it('OUT_OF_ORDER_SEQUENCE_NUMBER and UNKNOWN_PRODUCER_ID, 3 bursts: every record delivered once, in order', async () => {
  const o = await runWith([ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, ErrorCode.UNKNOWN_PRODUCER_ID]);
  checkRecovered(o, ['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID']);
});

it('INVALID_PRODUCER_EPOCH, 3 times: every record delivered once, in order', async () => {
  const o = await runWith([ErrorCode.INVALID_PRODUCER_EPOCH]);
  checkRecovered(o, ['INVALID_PRODUCER_EPOCH']);
});
