import { SerializationError } from '../errors';
import type { ProducerRecord, RecordHeader } from '../types';
import { describeType } from './describeType';

/** The header shapes a ProducerRecord accepts. */
export type RecordHeaders = NonNullable<ProducerRecord['headers']>;

/**
 * Headers as they go on the wire, from either shape a record accepts: an object (one value per
 * key) or an array of `{ key, value }` (keys may repeat; order is kept, as Kafka keeps it).
 * Values: a string is sent as UTF-8, a Buffer (or Uint8Array, not copied) as is, null or undefined
 * as a null value. Returns null for no headers (nothing to allocate for the common case).
 *
 * @throws SerializationError naming the header (`header 'trace-id'`) for a non-string key or a
 * value of another type, or `headers` for a shape that is neither (a Map, a string, …).
 *
 * @example
 * serializeHeaders({ 'trace-id': 'abc', flag: null })
 * // [{ key: 'trace-id', value: <Buffer 61 62 63> }, { key: 'flag', value: null }]
 */
export function serializeHeaders(headers: RecordHeaders | null | undefined): RecordHeader[] | null {
  if (headers === null || headers === undefined) return null;
  if (Array.isArray(headers)) {
    if (headers.length === 0) return null;
    const out: RecordHeader[] = new Array(headers.length);
    for (let i = 0; i < headers.length; i++) {
      const header = headers[i] as unknown;
      if (header === null || typeof header !== 'object') {
        throw new SerializationError(`header #${i}`, new TypeError(`expected { key, value }, got ${describeType(header)}`));
      }
      const { key, value } = header as { key: unknown; value: unknown };
      if (typeof key !== 'string') {
        throw new SerializationError(`header #${i}`, new TypeError(`header key must be a string, got ${describeType(key)}`));
      }
      out[i] = { key, value: headerValue(key, value) };
    }
    return out;
  }
  if (typeof headers !== 'object' || !isPlainObject(headers)) {
    // A Map or a class instance has no own enumerable entries to read: taking it for an empty
    // object would drop its headers without a word.
    throw new SerializationError(
      'headers',
      new TypeError(
        `expected a plain object or an array of { key, value }, got ${describeType(headers)}` +
          (headers instanceof Map ? ': convert it with Object.fromEntries(map)' : ''),
      ),
    );
  }
  const keys = Object.keys(headers);
  if (keys.length === 0) return null;
  const out: RecordHeader[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    out[i] = { key, value: headerValue(key, (headers as Record<string, unknown>)[key]) };
  }
  return out;
}

/** `{ … }` or `Object.create(null)`: the shapes whose own keys are the headers. */
function isPlainObject(o: object): boolean {
  const proto = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
}

function headerValue(key: string, value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new SerializationError(
    `header '${key}'`,
    new TypeError(`header values must be a string, a Buffer or null, got ${describeType(value)}`),
  );
}
