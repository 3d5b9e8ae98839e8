import { SerializationError } from '../../src/errors';
import { serializeHeaders } from '../../src/serde';

describe('serializeHeaders', () => {
  it('accepts the object shape: strings as UTF-8, Buffers as they are, null as null', () => {
    const raw = Buffer.from([0, 255]);
    const out = serializeHeaders({ 'trace-id': 'abc', raw, empty: null });
    expect(out).toEqual([
      { key: 'trace-id', value: Buffer.from('abc') },
      { key: 'raw', value: raw },
      { key: 'empty', value: null },
    ]);
    expect(out![1].value).toBe(raw);
  });

  it('accepts the array shape, keeping order and repeated keys', () => {
    const out = serializeHeaders([
      { key: 'a', value: '1' },
      { key: 'b', value: null },
      { key: 'a', value: Buffer.from('2') },
    ]);
    expect(out).toEqual([
      { key: 'a', value: Buffer.from('1') },
      { key: 'b', value: null },
      { key: 'a', value: Buffer.from('2') },
    ]);
  });

  it('returns null for no headers', () => {
    expect(serializeHeaders(undefined)).toBeNull();
    expect(serializeHeaders(null)).toBeNull();
    expect(serializeHeaders({})).toBeNull();
    expect(serializeHeaders([])).toBeNull();
  });

  it('treats an undefined value as null (an optional field left unset)', () => {
    expect(serializeHeaders({ a: undefined as never })).toEqual([{ key: 'a', value: null }]);
  });

  it('throws a SerializationError naming the header for a value of another type', () => {
    const attempt = () => serializeHeaders({ ok: 'x', count: 3 as never });
    expect(attempt).toThrow(SerializationError);
    expect(attempt).toThrow("could not serialize the record's header 'count': header values must be a string, a Buffer or null, got a number");
    expect(() => serializeHeaders([{ key: 'obj', value: {} as never }])).toThrow(/header 'obj'.*got an object/);
  });

  it('throws when a header key is not a string', () => {
    expect(() => serializeHeaders([{ key: 7 as never, value: 'x' }])).toThrow(/header #0: header key must be a string, got a number/);
    expect(() => serializeHeaders([null as never])).toThrow(/header #0: expected \{ key, value \}/);
  });

  it('refuses headers that are neither an object nor an array', () => {
    expect(() => serializeHeaders('a=b' as never)).toThrow(/headers: expected a plain object or an array of \{ key, value \}, got a string/);
  });

  it('refuses a Map or a class instance rather than sending no headers', () => {
    const map = new Map([['trace-id', 'abc']]);
    expect(() => serializeHeaders(map as never)).toThrow(
      "could not serialize the record's headers: expected a plain object or an array of { key, value }, got a Map: convert it with Object.fromEntries(map)",
    );
    class Headers {
      'trace-id' = 'abc';
    }
    expect(() => serializeHeaders(new Headers() as never)).toThrow(/got a Headers$/);
    // A prototype-less object is a plain object: its own keys are the headers.
    const bare = Object.assign(Object.create(null), { a: 'x' });
    expect(serializeHeaders(bare)).toEqual([{ key: 'a', value: Buffer.from('x') }]);
  });

  it.each([
    ['a number', 5],
    ['a boolean', true],
    ['an object', { nested: 'x' }],
    ['an array', ['x']],
    ['a Date', new Date(0)],
  ])('names the header whose value is %s, in both shapes', (type, value) => {
    const object = () => serializeHeaders({ h: value as never });
    const array = () => serializeHeaders([{ key: 'h', value: value as never }]);
    for (const attempt of [object, array]) {
      expect(attempt).toThrow(SerializationError);
      expect(attempt).toThrow(`could not serialize the record's header 'h': header values must be a string, a Buffer or null, got ${type}`);
    }
  });

  it.each([[undefined], [null], [5], [Symbol('k')], [{}]])('names the position of a header whose key is %p', (key) => {
    const attempt = () => serializeHeaders([{ key: 'ok', value: 'x' }, { key: key as never, value: 'y' }]);
    expect(attempt).toThrow(SerializationError);
    expect(attempt).toThrow(/^could not serialize the record's header #1: header key must be a string, got /);
  });
});
