import { Reader } from '../../src/protocol/Reader';
import { SaslHandshake } from '../../src/protocol/SaslHandshake';
import { Writer } from '../../src/protocol/Writer';
import { hex, utf8 } from './hex';
import { encodeSaslHandshakeResponse } from './responseEncoders';

describe('SaslHandshake', () => {
  it('is v1 only (SaslAuthenticate carries the tokens), never flexible', () => {
    expect([SaslHandshake.apiKey, SaslHandshake.minVersion, SaslHandshake.maxVersion]).toEqual([17, 1, 1]);
    expect(SaslHandshake.responseHeaderVersion(1)).toBe(0);
  });

  it('request v1 (golden bytes)', () => {
    const w = new Writer();
    SaslHandshake.encodeRequest(w, 1, { mechanism: 'SCRAM-SHA-512' });
    expect(w.toBuffer()).toEqual(hex('000d', utf8('SCRAM-SHA-512')));
  });

  it('response v1 (golden bytes): error code and the enabled mechanisms', () => {
    const body = hex(
      '0021', // error_code 33 UNSUPPORTED_SASL_MECHANISM
      '00000002', // mechanisms: 2
      '0005', utf8('PLAIN'),
      '000b', utf8('OAUTHBEARER'),
    );
    const r = new Reader(body);
    expect(SaslHandshake.decodeResponse(r, 1)).toEqual({ errorCode: 33, mechanisms: ['PLAIN', 'OAUTHBEARER'] });
    expect(r.remaining).toBe(0);
    expect(encodeSaslHandshakeResponse({ errorCode: 33, mechanisms: ['PLAIN', 'OAUTHBEARER'] })).toEqual(body);
  });

  it('a null mechanism in the list is a decode error', () => {
    expect(() => SaslHandshake.decodeResponse(new Reader(hex('0000', '00000001', 'ffff')), 1)).toThrow(/malformed/);
  });
});
