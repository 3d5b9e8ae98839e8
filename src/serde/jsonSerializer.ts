import type { SyncSerializer } from './Serializer';

/**
 * Any JSON-serializable value as UTF-8 JSON. null/undefined → null (a tombstone, not the text
 * "null"). Values JSON cannot represent (a function, a symbol, a BigInt, a cycle) are errors.
 *
 * @example
 * createProducer({ brokers, topic: 'orders', serializers: { value: serializers.json } })
 */
export const jsonSerializer: SyncSerializer<unknown> = (data) => {
  if (data === null || data === undefined) return null;
  const text = JSON.stringify(data);
  // JSON.stringify returns undefined (not a string) for functions and symbols.
  if (typeof text !== 'string') throw new TypeError(`jsonSerializer cannot represent a ${typeof data} as JSON`);
  return Buffer.from(text, 'utf8');
};
