import { readResponseHeader, writeRequestHeader } from '../../src/protocol/headers';
import { Reader } from '../../src/protocol/Reader';
import { Writer } from '../../src/protocol/Writer';
import { hex, utf8 } from './hex';

describe('request header', () => {
  it('v1: api key, version, correlation id, int16-length client id', () => {
    const w = new Writer();
    writeRequestHeader(w, 0, 8, 42, 'rx', false);
    expect(w.toBuffer()).toEqual(
      hex(
        '0000', // request_api_key 0 (Produce)
        '0008', // request_api_version 8
        '0000002a', // correlation_id 42
        '0002', utf8('rx'), // client_id: STRING, even in flexible versions
      ),
    );
  });

  it('v2 adds an empty tagged-field section; the client id stays a non-compact string', () => {
    const w = new Writer();
    writeRequestHeader(w, 3, 12, 7, 'rx', true);
    expect(w.toBuffer()).toEqual(hex('0003', '000c', '00000007', '0002', utf8('rx'), '00'));
  });

  it('writes a null client id as length -1', () => {
    const w = new Writer();
    writeRequestHeader(w, 18, 0, 1, null, false);
    expect(w.toBuffer()).toEqual(hex('0012', '0000', '00000001', 'ffff'));
  });
});

describe('response header', () => {
  it('v0 is the correlation id alone', () => {
    const r = new Reader(hex('0000002a', 'ee'));
    expect(readResponseHeader(r, 0)).toBe(42);
    expect(r.remaining).toBe(1);
  });

  it('v1 skips the tagged fields after the correlation id', () => {
    const r = new Reader(hex('0000002a', '01 07 02 abcd', 'ee'));
    expect(readResponseHeader(r, 1)).toBe(42);
    expect(r.remaining).toBe(1);
  });
});
