// Issue 3, scenario 8: the producer-state errors OUT_OF_ORDER_SEQUENCE_NUMBER, UNKNOWN_PRODUCER_ID
// and INVALID_PRODUCER_EPOCH, pushed on Produce — 100k keyed records, 5 in flight, strict broker.
// The broker appended nothing for the request hit; the requests behind it are refused by the
// strict broker as out of order. The producer must follow KIP-360 (epoch bump or new producer id,
// sequences restarted at 0 only once the partition's batches have settled): no duplicate, no
// reordering, no silent loss — a record either is acked where the log has it or fails with a typed
// error and is not in the log — and the stream goes on delivering after the fault.
import { KafkaProtocolError } from '../../operators';
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

/** Consistent, the failures typed and few, and every record of the stream's last fifth delivered. */
function checkRecovered(o: Outcome, names: string[]): void {
  expect(o.error).toBeNull();
  const r = verify(o);
  assertConsistent(r);
  expect(r.acked + r.failed).toBe(o.n);
  expect(r.read).toBe(r.acked);
  for (const a of o.acks) {
    if (a.error === undefined) continue;
    expect(a.error).toBeInstanceOf(KafkaProtocolError);
    expect(names).toContain((a.error as KafkaProtocolError).type);
  }
  expect(r.failed).toBeLessThan(o.n / 20);
  expect(o.acks.filter((a) => a.meta! >= o.n * 0.8 && a.error !== undefined)).toEqual([]);
  for (const name of names) expect(o.batchErrors).toContain(name);
}

it('OUT_OF_ORDER_SEQUENCE_NUMBER and UNKNOWN_PRODUCER_ID, 3 bursts: no duplicate, no reordering, nothing lost silently', async () => {
  const o = await runWith([ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, ErrorCode.UNKNOWN_PRODUCER_ID]);
  checkRecovered(o, ['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID']);
});

it('INVALID_PRODUCER_EPOCH, 3 times: no duplicate, no reordering, nothing lost silently, delivery goes on', async () => {
  const o = await runWith([ErrorCode.INVALID_PRODUCER_EPOCH]);
  checkRecovered(o, ['INVALID_PRODUCER_EPOCH']);
});
