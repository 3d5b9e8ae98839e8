import { InitProducerId, type InitProducerIdRequest } from '../../src/protocol/InitProducerId';
import { Reader } from '../../src/protocol/Reader';
import { Writer } from '../../src/protocol/Writer';
import { hex, utf8 } from './hex';
import { encodeInitProducerIdResponse } from './responseEncoders';

const request: InitProducerIdRequest = { transactionalId: null, transactionTimeoutMs: 60000, producerId: 7n, producerEpoch: 3 };

function body(version: number, req: InitProducerIdRequest): Buffer {
  const w = new Writer();
  InitProducerId.encodeRequest(w, version, req);
  return w.toBuffer();
}

describe('InitProducerId request', () => {
  it('v0 (golden bytes)', () => {
    expect(body(0, request)).toEqual(
      hex(
        'ffff', // transactional_id: null
        '0000ea60', // transaction_timeout_ms 60000
      ),
    );
    expect(body(0, { ...request, transactionalId: 'tx' })).toEqual(hex('0002', utf8('tx'), '0000ea60'));
  });

  it('v2 is flexible but has no producer id yet', () => {
    expect(body(2, request)).toEqual(hex('00', '0000ea60', '00'));
  });

  it('v4 (golden bytes) sends the current producer id and epoch', () => {
    expect(body(4, request)).toEqual(
      hex(
        '00', // transactional_id: COMPACT_NULLABLE_STRING null
        '0000ea60', // transaction_timeout_ms 60000
        '0000000000000007', // producer_id 7
        '0003', // producer_epoch 3
        '00', // TAG_BUFFER
      ),
    );
    expect(body(4, { ...request, producerId: -1n, producerEpoch: -1 })).toEqual(hex('00', '0000ea60', 'ffffffffffffffff', 'ffff', '00'));
  });

  it('uses response header v1 from v2', () => {
    expect([0, 1, 2, 4].map((v) => InitProducerId.responseHeaderVersion(v))).toEqual([0, 0, 1, 1]);
  });
});

describe('InitProducerId response', () => {
  it('decodes v0 and v4 (golden bytes)', () => {
    const fields = hex(
      '00000000', // throttle_time_ms
      '0000', // error_code
      '00000000000003e8', // producer_id 1000
      '0002', // producer_epoch 2
    );
    const expected = { throttleTimeMs: 0, errorCode: 0, producerId: 1000n, producerEpoch: 2 };
    expect(InitProducerId.decodeResponse(new Reader(fields), 0)).toEqual(expected);
    const flexible = new Reader(Buffer.concat([fields, hex('00')]));
    expect(InitProducerId.decodeResponse(flexible, 4)).toEqual(expected);
    expect(flexible.remaining).toBe(0);
  });

  it.each([0, 1, 2, 3, 4])('round-trips v%d', (version) => {
    const res = { throttleTimeMs: 5, errorCode: 51, producerId: -1n, producerEpoch: -1 };
    const r = new Reader(encodeInitProducerIdResponse(version, res));
    expect(InitProducerId.decodeResponse(r, version)).toEqual(res);
    expect(r.remaining).toBe(0);
  });
});
