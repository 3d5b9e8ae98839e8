import { describeType } from './describeType';
import type { SyncSerializer } from './Serializer';

/**
 * Strings as UTF-8 (Java's `StringSerializer`). null → null. Anything else is an error rather than
 * `String(x)`, so that an object does not silently become "[object Object]".
 *
 * @example
 * createProducer({ brokers, serializers: { key: serializers.string } })
 */
export const stringSerializer: SyncSerializer<string | null | undefined> = (data) => {
  if (data === null || data === undefined) return null;
  if (typeof data !== 'string') throw new TypeError(`stringSerializer takes a string, got ${describeType(data)}`);
  return Buffer.from(data, 'utf8');
};
