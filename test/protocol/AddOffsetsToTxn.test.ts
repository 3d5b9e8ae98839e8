import { AddOffsetsToTxn } from '../../src/protocol/AddOffsetsToTxn';
import { Reader } from '../../src/protocol/Reader';
import { Writer } from '../../src/protocol/Writer';
import { hex, utf8 } from './hex';

function body(version: number): Buffer {
  const w = new Writer();
  AddOffsetsToTxn.encodeRequest(w, version, { transactionalId: 'tx', producerId: 7n, producerEpoch: 1, groupId: 'g' });
  return w.toBuffer();
}

describe('AddOffsetsToTxn', () => {
  it('v1 request (golden bytes)', () => {
    expect(body(1)).toEqual(
      hex(
        '0002', utf8('tx'), // transactional_id
        '0000000000000007', // producer_id
        '0001', // producer_epoch
        '0001', utf8('g'), // group_id
      ),
    );
  });

  it('v3 request (golden bytes) is flexible', () => {
    expect(body(3)).toEqual(hex('03', utf8('tx'), '0000000000000007', '0001', '02', utf8('g'), '00'));
  });

  it('decodes v1 and v3 responses', () => {
    expect(AddOffsetsToTxn.decodeResponse(new Reader(hex('00000000', '0030')), 1)).toEqual({ throttleTimeMs: 0, errorCode: 48 });
    const r = new Reader(hex('00000000', '0000', '00'));
    expect(AddOffsetsToTxn.decodeResponse(r, 3)).toEqual({ throttleTimeMs: 0, errorCode: 0 });
    expect(r.remaining).toBe(0);
  });
});
