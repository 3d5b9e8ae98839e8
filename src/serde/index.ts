/**
 * Serializers: how keys and values become bytes. The built-ins cover strings, JSON and raw bytes;
 * anything else (Avro, Protobuf, a schema registry) is a `Serializer` function of the user's.
 *
 * @example
 * import { serializers } from 'rxkafka';
 * records$.pipe(toKafka({ brokers, topic: 'orders', serializers: { key: serializers.string, value: serializers.json } }))
 */
import { bufferSerializer } from './bufferSerializer';
import { jsonSerializer } from './jsonSerializer';
import { stringSerializer } from './stringSerializer';

export type { Serializer, SyncSerializer } from './Serializer';
export { bufferSerializer } from './bufferSerializer';
export { defaultSerializer } from './defaultSerializer';
export type { DefaultSerializable } from './defaultSerializer';
export { jsonSerializer } from './jsonSerializer';
export { stringSerializer } from './stringSerializer';
export { serializeHeaders } from './serializeHeaders';
export type { RecordHeaders } from './serializeHeaders';

/** The built-in serializers by name. */
export const serializers = {
  /** Strings as UTF-8. */
  string: stringSerializer,
  /** Any JSON value as UTF-8 JSON (null stays null). */
  json: jsonSerializer,
  /** Buffer / Uint8Array as they are. */
  buffer: bufferSerializer,
} as const;
