import { InvalidRecordError, SerializationError } from '../errors';
import { DefaultSerializerTypeError } from '../serde/defaultSerializer';
import { describeType } from '../serde/describeType';
import type { Serializer } from '../serde/Serializer';
import { serializeHeaders } from '../serde/serializeHeaders';
import type { ProducerRecord, RecordHeader, SerializedRecord } from '../types';
import { recordPartition, recordTimestamp, recordTopic } from './recordEnvelope';

/**
 * Turns one record into bytes (the `serialize` stage's work). Never throws: a record that cannot be
 * serialized comes back with `error` set — a SerializationError naming the key, the value or the
 * header that failed, or an InvalidRecordError when the record has no topic or an invalid one, an
 * invalid partition or timestamp, or neither a key nor a value — so that the stream goes on and the record fails on
 * its own ack.
 *
 * A serializer may be async (return a Promise, e.g. a schema-registry encoder): the result is then
 * a Promise of the record, which never rejects — a rejection fails the record as a throw does.
 *
 * A null value with a key (a tombstone) and a value without a key are valid; a record with
 * neither is refused: Kafka would store it, but it carries nothing, and is far more often a
 * mapping mistake upstream (a field renamed, a wrong property read) than an intent.
 * null/undefined keys and values are not passed to the serializers (see Serializer).
 *
 * @param defaultTopic the producer's `topic` option, for records that name none.
 * @param nowMs the timestamp of records that carry none.
 *
 * @example
 * serializeRecord({ value: 'hello' }, 'events', defaultSerializer, defaultSerializer, Date.now())
 * // { topic: 'events', partition: -1, key: null, value: <Buffer 68 65 6c 6c 6f>, headers: null, … error: null }
 */
export function serializeRecord<M = unknown>(
  record: ProducerRecord<unknown, unknown, M>,
  defaultTopic: string | undefined,
  keySerializer: Serializer<never>,
  valueSerializer: Serializer<never>,
  nowMs: number,
): SerializedRecord<M> | Promise<SerializedRecord<M>> {
  if (record === null || typeof record !== 'object') {
    // Not a record, so no meta: what the types promised was broken by the caller at run time.
    return failed<M>('', -1, nowMs, undefined as M, new InvalidRecordError(
      `a record must be an object such as { value }, got ${describeType(record)}: wrap it, e.g. map((value) => ({ value }))`,
      {},
    ));
  }
  // M is the records' own meta type (AckMeta): undefined is in it whenever a record may lack meta.
  const meta = record.meta as M;
  const topic = recordTopic(record, defaultTopic);
  if (typeof topic !== 'string') return failed('', -1, nowMs, meta, topic);
  const partition = recordPartition(record, topic);
  if (typeof partition !== 'number') return failed(topic, -1, nowMs, meta, partition);
  const timestamp = recordTimestamp(record, topic, partition, nowMs);
  if (typeof timestamp !== 'number') return failed(topic, partition, nowMs, meta, timestamp);

  const hasKey = record.key !== undefined && record.key !== null;
  const hasValue = record.value !== undefined && record.value !== null;
  if (!hasKey && !hasValue) {
    return failed(topic, partition, timestamp, meta, new InvalidRecordError(
      'record has neither a key nor a value: set value (a record without a key is fine), or key with a null ' +
        "value for a tombstone; check that the record's fields are named key and value",
      { topic, partition: partition >= 0 ? partition : undefined, meta },
    ));
  }
  // The serializers run inline (not through a helper returning output-or-error): this is the
  // per-record path, and an instanceof test on every output costs more than the try blocks.
  let key: SerializerOutput = null;
  if (hasKey) {
    try {
      key = keySerializer(record.key as never, topic);
    } catch (err) {
      return failed(topic, partition, timestamp, meta, serializationError('key', err));
    }
  }
  let value: SerializerOutput = null;
  if (hasValue) {
    try {
      value = valueSerializer(record.value as never, topic);
    } catch (err) {
      return failed(topic, partition, timestamp, meta, serializationError('value', err));
    }
  }
  let headers: RecordHeader[] | null = null;
  if (record.headers !== undefined && record.headers !== null) {
    try {
      headers = serializeHeaders(record.headers);
    } catch (err) {
      return failed(topic, partition, timestamp, meta, err instanceof SerializationError ? err : new SerializationError('headers', err));
    }
  }
  if (isThenable(key) || isThenable(value)) return settle(topic, partition, key, value, headers, timestamp, meta);
  // withBytes' body, inline: calling it here measured ~8% slower on serialize/buffer (alternating
  // runs of node benchmarks/hotpaths.js --src serialize/buffer against this inline copy).
  let keyBytes: Buffer | null;
  try {
    keyBytes = toBytes(key);
  } catch (err) {
    return failed(topic, partition, timestamp, meta, serializationError('key', err));
  }
  let valueBytes: Buffer | null;
  try {
    valueBytes = toBytes(value);
  } catch (err) {
    return failed(topic, partition, timestamp, meta, serializationError('value', err));
  }
  return { topic, partition, key: keyBytes, value: valueBytes, headers, timestamp, meta, error: null };
}

/** The record with its key and value as Buffers, or failed when a serializer gave something else. */
function withBytes<M>(
  topic: string,
  partition: number,
  key: unknown,
  value: unknown,
  headers: RecordHeader[] | null,
  timestamp: number,
  meta: M,
): SerializedRecord<M> {
  let keyBytes: Buffer | null;
  try {
    keyBytes = toBytes(key);
  } catch (err) {
    return failed(topic, partition, timestamp, meta, serializationError('key', err));
  }
  let valueBytes: Buffer | null;
  try {
    valueBytes = toBytes(value);
  } catch (err) {
    return failed(topic, partition, timestamp, meta, serializationError('value', err));
  }
  return { topic, partition, key: keyBytes, value: valueBytes, headers, timestamp, meta, error: null };
}

type SerializerOutput = ReturnType<Serializer<never>>;

/** True for a Promise (or any thenable) — what an async serializer returns. Buffers are not. */
export function isThenable<T>(out: unknown): out is PromiseLike<T> {
  return out !== null && typeof out === 'object' && !Buffer.isBuffer(out) && typeof (out as PromiseLike<T>).then === 'function';
}

/**
 * The async end of serializeRecord: waits for the key's and value's serializers (both run
 * concurrently) and builds the record; a rejection fails the record as a throw would. Never rejects.
 */
async function settle<M>(
  topic: string,
  partition: number,
  key: SerializerOutput,
  value: SerializerOutput,
  headers: RecordHeader[] | null,
  timestamp: number,
  meta: M,
): Promise<SerializedRecord<M>> {
  const [k, v] = await Promise.allSettled([key, value]);
  if (k.status === 'rejected') return failed(topic, partition, timestamp, meta, serializationError('key', k.reason));
  if (v.status === 'rejected') return failed(topic, partition, timestamp, meta, serializationError('value', v.reason));
  return withBytes(topic, partition, k.value, v.value, headers, timestamp, meta);
}

/** A serializer's output must be bytes or null; a Uint8Array is wrapped without copying. */
function toBytes(out: unknown): Buffer | null {
  if (out === null || Buffer.isBuffer(out)) return out;
  if (out instanceof Uint8Array) return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  throw new TypeError(`the serializer returned ${describeType(out)}; a serializer must return a Buffer or null`);
}

function serializationError(what: 'key' | 'value', err: unknown): SerializationError {
  if (err instanceof DefaultSerializerTypeError) {
    // Only here do we know which field it was, hence which option fixes it.
    const hint = new TypeError(
      `${err.message}: pass a serializer, e.g. serializers: { ${what}: serializers.json } ` +
        '(or your own (data, topic) => Buffer) to toKafka/createProducer',
    );
    return new SerializationError(what, hint);
  }
  return new SerializationError(what, err);
}

function failed<M>(topic: string, partition: number, timestamp: number, meta: M, error: Error): SerializedRecord<M> {
  return { topic, partition, key: null, value: null, headers: null, timestamp, meta, error };
}
