import { encodeRequest, encodeRequestChunks } from '../../src/protocol/frame';
import { Produce } from '../../src/protocol/Produce';
import { InitProducerId } from '../../src/protocol/InitProducerId';
import { GATHERED_WRITE_COST_BYTES, SHARE_MIN_BYTES, Writer } from '../../src/protocol/Writer';
import { hex, utf8 } from './hex';

const req = { transactionalId: null, transactionTimeoutMs: 1, producerId: -1n, producerEpoch: -1 };

describe('encodeRequest', () => {
  it('writes size, header and body; the size counts everything after itself', () => {
    expect(encodeRequest(new Writer(), InitProducerId, 1, 2, 'rx', req)).toEqual(
      hex(
        '00000012', // size 18
        '0016', // api key 22
        '0001', // version 1
        '00000002', // correlation id 2
        '0002', utf8('rx'), // client id
        'ffff', '00000001', // body: null transactional id, timeout 1
      ),
    );
  });

  it('resets the writer first and reuses its memory', () => {
    const w = new Writer(64);
    const first = Buffer.from(encodeRequest(w, InitProducerId, 4, 1, 'rx', req));
    const memory = w.buffer;
    const second = encodeRequest(w, InitProducerId, 4, 1, 'rx', req);
    expect(second).toEqual(first);
    expect(w.buffer).toBe(memory);
    expect(second.readInt32BE(0)).toBe(second.length - 4);
  });

  it('grows the writer for a large request', () => {
    const w = new Writer(16);
    const frame = encodeRequest(w, InitProducerId, 0, 1, 'x'.repeat(5000), req);
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    expect(frame.length).toBe(4 + 2 + 2 + 4 + 2 + 5000 + 2 + 4);
  });

  it('as chunks, shares large record batches and counts them in the size prefix', () => {
    const records = Buffer.alloc(SHARE_MIN_BYTES + GATHERED_WRITE_COST_BYTES, 5);
    const produce = {
      transactionalId: null,
      acks: 1,
      timeoutMs: 30000,
      topics: [{ name: 't', partitions: [{ index: 0, records }, { index: 1, records: Buffer.alloc(10, 1) }] }],
    };
    for (const version of [3, 9]) {
      const chunks = encodeRequestChunks(new Writer(), Produce, version, 7, 'rx', produce);
      expect(chunks).toContain(records);
      const frame = Buffer.concat(chunks);
      expect(frame.readInt32BE(0)).toBe(frame.length - 4);
      expect(frame).toEqual(encodeRequest(new Writer(), Produce, version, 7, 'rx', produce));
    }
  });
});
