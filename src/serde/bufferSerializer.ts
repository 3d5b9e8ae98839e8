import { describeType } from './describeType';
import type { SyncSerializer } from './Serializer';

/**
 * Bytes as they are: a Buffer is sent as is, a Uint8Array is wrapped without copying (the Buffer
 * shares its memory, so do not modify it until the record is acked). null → null.
 *
 * @example
 * createProducer({ brokers, serializers: { value: serializers.buffer } })
 */
export const bufferSerializer: SyncSerializer<Buffer | Uint8Array | null | undefined> = (data) => {
  if (data === null || data === undefined) return null;
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`bufferSerializer takes a Buffer or Uint8Array, got ${describeType(data)}`);
};
