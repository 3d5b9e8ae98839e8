import { EndTxn } from '../../src/protocol/EndTxn';
import { Reader } from '../../src/protocol/Reader';
import { Writer } from '../../src/protocol/Writer';
import { hex, utf8 } from './hex';

function body(version: number, committed: boolean): Buffer {
  const w = new Writer();
  EndTxn.encodeRequest(w, version, { transactionalId: 'tx', producerId: 7n, producerEpoch: 1, committed });
  return w.toBuffer();
}

describe('EndTxn request', () => {
  it('v1 (golden bytes): commit and abort', () => {
    expect(body(1, true)).toEqual(
      hex(
        '0002', utf8('tx'), // transactional_id
        '0000000000000007', // producer_id 7
        '0001', // producer_epoch 1
        '01', // committed: true
      ),
    );
    expect(body(1, false)).toEqual(hex('0002', utf8('tx'), '0000000000000007', '0001', '00'));
  });

  it('v3 (golden bytes) is flexible', () => {
    expect(body(3, true)).toEqual(hex('03', utf8('tx'), '0000000000000007', '0001', '01', '00'));
  });
});

describe('EndTxn response', () => {
  it('decodes v1 and v3 (golden bytes)', () => {
    expect(EndTxn.decodeResponse(new Reader(hex('00000000', '005a')), 1)).toEqual({ throttleTimeMs: 0, errorCode: 90 });
    const r = new Reader(hex('0000000a', '0000', '00'));
    expect(EndTxn.decodeResponse(r, 3)).toEqual({ throttleTimeMs: 10, errorCode: 0 });
    expect(r.remaining).toBe(0);
  });
});
