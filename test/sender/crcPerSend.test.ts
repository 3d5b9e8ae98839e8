import { ErrorCode } from '../../src/protocol/errorCodes';
import { crc32c } from '../../src/protocol/crc32c';
import { advanceTo, tick } from '../support/virtualTime';
import { batch, initOk, ok, pastFirstBatch, settle, setup, stamp, withError } from '../support/senderFakes';

/** RecordBatch v2: the CRC at bytes 17..20, over attributes (byte 21) to the end. */
const CRC_POS = 17;
const storedCrc = (records: Buffer) => records.readUInt32BE(CRC_POS);
const computedCrc = (records: Buffer) => crc32c(records, CRC_POS + 4);

// The CRC covers the whole batch: computed once per send, it is written at the first drain and
// again only when the batch's header changes. A marker in the CRC field tells whether it was.
describe('the CRC-32C of a batch, once per send', () => {
  it('a retry with the same producer id, epoch and sequence resends the bytes as they are, CRC not recomputed', async () => {
    const { scheduler, cluster, sender, done, listen } = setup({}, { idempotent: true });
    sender.enqueue(listen(batch(0, 0, ['a', 'b'])));
    await tick();
    cluster.conn.initRequests[0].resolve(initOk(7n, 0));
    await tick();
    const [r1] = cluster.conn.requests;
    const sent = r1.req.topics[0].partitions[0].records;
    expect(storedCrc(sent)).toBe(computedCrc(sent));
    const marker = (storedCrc(sent) ^ 0xffffffff) >>> 0;
    sent.writeUInt32BE(marker, CRC_POS);
    r1.resolve(withError(r1.req, ErrorCode.REQUEST_TIMED_OUT));
    await settle(scheduler);
    const r2 = cluster.conn.requests[1];
    const resent = r2.req.topics[0].partitions[0].records;
    expect(storedCrc(resent)).toBe(marker);
    resent.writeUInt32BE(computedCrc(resent), CRC_POS); // the marker out, for the decoder's CRC check
    expect(stamp(r2.req, 0)).toEqual({ producerId: 7n, epoch: 0, seq: 0, values: ['a', 'b'] });
    r2.resolve(ok(r2.req));
    await tick();
    expect(done.map((b) => b.error)).toEqual([null]);
  });

  it('a batch restamped under a new producer id goes out with its CRC written again', async () => {
    const s = setup({ deliveryTimeoutMs: 30000 }, { idempotent: true });
    const { scheduler, cluster, sender, listen } = s;
    await pastFirstBatch(s, 5n);
    sender.enqueue(listen(batch(0, 0, ['a'])));
    await tick();
    const [r1] = cluster.conn.requests.slice(-1);
    const sent = r1.req.topics[0].partitions[0].records;
    sent.writeUInt32BE((storedCrc(sent) ^ 0xffffffff) >>> 0, CRC_POS);
    r1.resolve(withError(r1.req, ErrorCode.INVALID_PRODUCER_EPOCH));
    await settle(scheduler);
    cluster.conn.initRequests[cluster.conn.initRequests.length - 1].resolve(initOk(6n, 0));
    await advanceTo(scheduler, 1000);
    const retry = cluster.conn.requests[cluster.conn.requests.length - 1];
    const resent = retry.req.topics[0].partitions[0].records;
    expect(stamp(retry.req, 0)).toMatchObject({ producerId: 6n, epoch: 0, seq: 0 });
    expect(storedCrc(resent)).toBe(computedCrc(resent));
  });
});
