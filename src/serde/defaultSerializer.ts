import { describeType } from './describeType';
import type { SyncSerializer } from './Serializer';

/** What the default serializer takes without being told how. */
export type DefaultSerializable = Buffer | Uint8Array | string | null | undefined;

/**
 * The serializer used when none is configured: bytes pass through (Uint8Array without copying),
 * strings become UTF-8, null stays null. Anything else is an error, not a guess: an object could
 * be meant as JSON, Avro, Protobuf…, so the user chooses (`serializers.json` or their own).
 */
export const defaultSerializer: SyncSerializer<DefaultSerializable> = (data) => {
  if (data === null || data === undefined) return null;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new DefaultSerializerTypeError(data);
};

/**
 * The default serializer was given something it does not take. serializeRecord adds which field
 * (key or value) and the option to set, which this function cannot know.
 */
export class DefaultSerializerTypeError extends TypeError {
  constructor(data: unknown) {
    super(`it is ${describeType(data)}, and the default serializer takes only Buffer, Uint8Array, string or null`);
    this.name = 'DefaultSerializerTypeError';
  }
}
