import { ndjsonKey, NdjsonLineError, rawMemberText } from '../../src/cli/ndjsonKey';

describe('ndjsonKey', () => {
  it('is a string field as its characters', () => {
    expect(ndjsonKey('{"id":"ü\\"x"}', 'id')).toBe('ü"x');
  });

  it('is any other value as the JSON text the line has, not a re-serialized double', () => {
    expect(ndjsonKey('{"id":12345678901234567891}', 'id')).toBe('12345678901234567891');
    expect(ndjsonKey('{"id": 1.50 ,"x":1}', 'id')).toBe('1.50');
    expect(ndjsonKey('{"id":true}', 'id')).toBe('true');
    expect(ndjsonKey('{"id":{"a":[1,"}"]}}', 'id')).toBe('{"a":[1,"}"]}');
  });

  it('reads the top-level field only, the last of duplicates (as JSON.parse does)', () => {
    expect(ndjsonKey('{"n":{"id":1},"s":"\\"id\\":2","id":3}', 'id')).toBe('3');
    expect(ndjsonKey('{"id":1,"id":2}', 'id')).toBe('2');
  });

  it('is null without a key field, for a missing or null field, or a non-object line', () => {
    expect(ndjsonKey('{"id":1}', undefined)).toBeNull();
    expect(ndjsonKey('{"x":1}', 'id')).toBeNull();
    expect(ndjsonKey('{"id":null}', 'id')).toBeNull();
    expect(ndjsonKey('[1,2]', 'id')).toBeNull();
    expect(ndjsonKey('7', 'id')).toBeNull();
  });

  it('throws NdjsonLineError for a line that is not JSON, key field or not', () => {
    expect(() => ndjsonKey('{"id":1', 'id')).toThrow(NdjsonLineError);
    expect(() => ndjsonKey('plain text', undefined)).toThrow(/not valid JSON/);
  });

  it('tolerates a CRLF line end (JSON whitespace)', () => {
    expect(ndjsonKey('{"id":42}\r', 'id')).toBe('42');
  });
});

describe('rawMemberText', () => {
  it('is null when the name is absent at the top level', () => {
    expect(rawMemberText('{"a":{"id":1}}', 'id')).toBeNull();
  });
});
