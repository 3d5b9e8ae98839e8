// Issue 3, scenario 7: non-retriable errors (INVALID_TIMESTAMP, INVALID_RECORD,
// TOPIC_AUTHORIZATION_FAILED; MESSAGE_TOO_LARGE splits the batch instead, messageTooLarge.test.ts)
// — 100k keyed records, 5 in flight, strict broker. Only the records
// of the request each error hit fail, with a typed error; nothing else is lost or reordered. The
// failed batch leaves a gap in its partition's sequences, so the requests in flight behind it are
// refused (OUT_OF_ORDER_SEQUENCE_NUMBER) and must be resent under a bumped epoch (KIP-360). With
// stopOnError the stream errors once the work in flight has settled.
import { KafkaProtocolError } from '../../operators';
import { ApiKey } from '../support/MockCluster';
import { assertConsistent, BROKERS, clusterPerTest, expectStoppedBy, PARTITIONS, run, verify } from '../support/faultRun';
import { sleep } from '../support/wait';

const mock = clusterPerTest();

const INVALID_TIMESTAMP = 32;
const TOPIC_AUTHORIZATION_FAILED = 29;
const INVALID_RECORD = 87;

it('stopOnError false: only the records of the 3 requests hit fail, with their Kafka error; every other record is delivered once, in order', async () => {
  for (let id = 1; id <= BROKERS; id++) await mock().setRtt(id, 20);
  const o = await run(mock(), {
    config: { stopOnError: false },
    fault: async () => {
      for (const code of [INVALID_TIMESTAMP, INVALID_RECORD, TOPIC_AUTHORIZATION_FAILED]) {
        await mock().pushErrors(ApiKey.Produce, [code]);
        await sleep(500);
      }
    },
  });
  expect(o.error).toBeNull();
  // verify(): a failed record must not be in the log (these errors are definite, not timeouts).
  const r = verify(o);
  assertConsistent(r);
  expect(r.acked + r.failed).toBe(o.n);
  expect(r.read).toBe(r.acked);
  const types = new Set<string>();
  for (const a of o.acks) {
    if (a.error === undefined) continue;
    expect(a.error).toBeInstanceOf(KafkaProtocolError);
    types.add((a.error as KafkaProtocolError).type);
    expect(a.error.message).toContain((a.error as KafkaProtocolError).type);
  }
  expect(types).toEqual(new Set(['INVALID_TIMESTAMP', 'INVALID_RECORD', 'TOPIC_AUTHORIZATION_FAILED']));
  // Three requests hit: at most one batch per partition of a broker each (16 KiB, ~140 records).
  expect(r.failed).toBeLessThanOrEqual(3 * (PARTITIONS / BROKERS) * 150);
});

it('stopOnError true: the stream errors with a RecordError once in-flight work settled; every acked record is in the log, nothing else', async () => {
  for (let id = 1; id <= BROKERS; id++) await mock().setRtt(id, 20);
  const o = await run(mock(), {
    config: { stopOnError: true },
    fault: () => mock().pushErrors(ApiKey.Produce, [TOPIC_AUTHORIZATION_FAILED]),
  });
  expectStoppedBy(o, 'TOPIC_AUTHORIZATION_FAILED');
  expect(o.acks.length).toBeGreaterThan(o.n / 4);
  expect(o.acks.length).toBeLessThan(o.n);
  // Records without an ack failed with the stream's error: none of them may be in the log.
  const r = verify(o);
  assertConsistent(r);
  expect(r.read).toBe(r.acked);
});
