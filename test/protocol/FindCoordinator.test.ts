import { CoordinatorType, FindCoordinator, type FindCoordinatorRequest } from '../../src/protocol/FindCoordinator';
import { Reader } from '../../src/protocol/Reader';
import { Writer } from '../../src/protocol/Writer';
import { hex, utf8 } from './hex';

function body(version: number, req: FindCoordinatorRequest): Buffer {
  const w = new Writer();
  FindCoordinator.encodeRequest(w, version, req);
  return w.toBuffer();
}

describe('FindCoordinator request', () => {
  it('v1 (golden bytes): key STRING, key_type INT8', () => {
    expect(body(1, { key: 'tx', keyType: CoordinatorType.TRANSACTION })).toEqual(
      hex(
        '0002', utf8('tx'), // key
        '01', // key_type 1: transaction
      ),
    );
  });

  it('v3 (golden bytes) is flexible: compact key and a tag buffer', () => {
    expect(body(3, { key: 'group-1', keyType: CoordinatorType.GROUP })).toEqual(hex('08', utf8('group-1'), '00', '00'));
  });

  it('v0 has no key type: groups only', () => {
    expect(body(0, { key: 'g', keyType: CoordinatorType.GROUP })).toEqual(hex('0001', utf8('g')));
    expect(() => body(0, { key: 'tx', keyType: CoordinatorType.TRANSACTION })).toThrow(/group/);
  });
});

describe('FindCoordinator response', () => {
  it('decodes v0 (no throttle, no message)', () => {
    const r = new Reader(hex('0000', '00000002', '0004', utf8('host'), '00002384'));
    expect(FindCoordinator.decodeResponse(r, 0)).toEqual({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 2, host: 'host', port: 9092 });
  });

  it('decodes v2 with an error and its message', () => {
    const r = new Reader(hex('00000005', '000f', '0004', utf8('busy'), 'ffffffff', '0000', 'ffffffff'));
    expect(FindCoordinator.decodeResponse(r, 2)).toEqual({ throttleTimeMs: 5, errorCode: 15, errorMessage: 'busy', nodeId: -1, host: '', port: -1 });
  });

  it('decodes v3 (golden bytes, flexible) and consumes the tag buffer', () => {
    const r = new Reader(
      hex(
        '00000000', // throttle_time_ms
        '0000', // error_code
        '00', // error_message: compact null
        '00000003', // node_id 3
        '0a', utf8('127.0.0.1'), // host, compact (length + 1)
        '0000a000', // port 40960
        '00', // TAG_BUFFER
      ),
    );
    expect(FindCoordinator.decodeResponse(r, 3)).toEqual({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 3, host: '127.0.0.1', port: 40960 });
    expect(r.remaining).toBe(0);
  });

  it('uses response header v1 from v3', () => {
    expect([0, 1, 2, 3].map((v) => FindCoordinator.responseHeaderVersion(v))).toEqual([0, 0, 0, 1]);
  });
});
