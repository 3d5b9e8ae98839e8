import { AddPartitionsToTxn, type AddPartitionsToTxnRequest } from '../../src/protocol/AddPartitionsToTxn';
import { Reader } from '../../src/protocol/Reader';
import { Writer } from '../../src/protocol/Writer';
import { hex, utf8 } from './hex';

const request: AddPartitionsToTxnRequest = {
  transactionalId: 'tx',
  producerId: 1000n,
  producerEpoch: 2,
  topics: [{ name: 't', partitions: [0, 5] }],
};

function body(version: number): Buffer {
  const w = new Writer();
  AddPartitionsToTxn.encodeRequest(w, version, request);
  return w.toBuffer();
}

describe('AddPartitionsToTxn request', () => {
  it('v1 (golden bytes)', () => {
    expect(body(1)).toEqual(
      hex(
        '0002', utf8('tx'), // transactional_id
        '00000000000003e8', // producer_id 1000
        '0002', // producer_epoch 2
        '00000001', // topics: 1
        '0001', utf8('t'), // name
        '00000002', '00000000', '00000005', // partitions [0, 5]
      ),
    );
  });

  it('v3 (golden bytes) is flexible', () => {
    expect(body(3)).toEqual(
      hex(
        '03', utf8('tx'), // transactional_id, compact
        '00000000000003e8', '0002',
        '02', // topics: compact 1
        '02', utf8('t'), // name, compact
        '03', '00000000', '00000005', // partitions: compact 2
        '00', // topic TAG_BUFFER
        '00', // TAG_BUFFER
      ),
    );
  });
});

describe('AddPartitionsToTxn response', () => {
  const expected = {
    throttleTimeMs: 0,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 5, errorCode: 51 }] }],
  };

  it('decodes v1 (golden bytes)', () => {
    const r = new Reader(hex('00000000', '00000001', '0001', utf8('t'), '00000002', '00000000', '0000', '00000005', '0033'));
    expect(AddPartitionsToTxn.decodeResponse(r, 1)).toEqual(expected);
    expect(r.remaining).toBe(0);
  });

  it('decodes v3 (golden bytes, flexible)', () => {
    const r = new Reader(hex('00000000', '02', '02', utf8('t'), '03', '00000000', '0000', '00', '00000005', '0033', '00', '00', '00'));
    expect(AddPartitionsToTxn.decodeResponse(r, 3)).toEqual(expected);
    expect(r.remaining).toBe(0);
  });
});
