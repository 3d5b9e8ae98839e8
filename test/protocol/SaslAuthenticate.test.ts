import { Reader } from '../../src/protocol/Reader';
import { SaslAuthenticate, type SaslAuthenticateResponse } from '../../src/protocol/SaslAuthenticate';
import { Writer } from '../../src/protocol/Writer';
import { hex, utf8 } from './hex';
import { encodeSaslAuthenticateResponse } from './responseEncoders';

function body(version: number, authBytes: Buffer): Buffer {
  const w = new Writer();
  SaslAuthenticate.encodeRequest(w, version, { authBytes });
  return w.toBuffer();
}

describe('SaslAuthenticate request', () => {
  it('v0 and v1: BYTES (golden bytes)', () => {
    expect(body(0, Buffer.from('n,,n=u,r=x'))).toEqual(hex('0000000a', utf8('n,,n=u,r=x')));
    expect(body(1, Buffer.alloc(0))).toEqual(hex('00000000'));
  });

  it('v2 is flexible: COMPACT_BYTES and a tag buffer', () => {
    expect(body(2, Buffer.from('abc'))).toEqual(hex('04', utf8('abc'), '00'));
  });

  it('uses response header v1 from v2', () => {
    expect([0, 1, 2].map((v) => SaslAuthenticate.responseHeaderVersion(v))).toEqual([0, 0, 1]);
  });
});

describe('SaslAuthenticate response', () => {
  it('v0 has no session lifetime; v1 adds it (golden bytes)', () => {
    const v0 = hex(
      '003a', // error_code 58 SASL_AUTHENTICATION_FAILED
      '0004', utf8('nope'), // error_message
      '00000000', // auth_bytes: empty
    );
    expect(SaslAuthenticate.decodeResponse(new Reader(v0), 0)).toEqual({
      errorCode: 58,
      errorMessage: 'nope',
      authBytes: Buffer.alloc(0),
      sessionLifetimeMs: 0,
    });
    const v1 = hex(
      '0000', // error_code
      'ffff', // error_message: null
      '00000003', utf8('v=x'), // auth_bytes
      '00000000000dbba0', // session_lifetime_ms 900000
    );
    const r = new Reader(v1);
    expect(SaslAuthenticate.decodeResponse(r, 1)).toEqual({ errorCode: 0, errorMessage: null, authBytes: Buffer.from('v=x'), sessionLifetimeMs: 900000 });
    expect(r.remaining).toBe(0);
  });

  it('v2 (golden bytes): compact string and bytes, tag buffer', () => {
    const v2 = hex('0000', '00', '04', utf8('v=x'), '0000000000002710', '00');
    const r = new Reader(v2);
    expect(SaslAuthenticate.decodeResponse(r, 2)).toEqual({ errorCode: 0, errorMessage: null, authBytes: Buffer.from('v=x'), sessionLifetimeMs: 10000 });
    expect(r.remaining).toBe(0);
  });

  it.each([0, 1, 2])('round-trips v%d', (version) => {
    const res: SaslAuthenticateResponse = {
      errorCode: 58,
      errorMessage: 'Authentication failed',
      authBytes: Buffer.from('{"status":"invalid_token"}'),
      sessionLifetimeMs: version >= 1 ? 3600000 : 0,
    };
    const r = new Reader(encodeSaslAuthenticateResponse(version, res));
    expect(SaslAuthenticate.decodeResponse(r, version)).toEqual(res);
    expect(r.remaining).toBe(0);
  });

  it('treats null auth bytes from a lax broker as empty', () => {
    expect(SaslAuthenticate.decodeResponse(new Reader(hex('0000', 'ffff', 'ffffffff')), 0).authBytes).toEqual(Buffer.alloc(0));
  });
});
