import { InvalidRecordError, SerializationError, type RecordRef } from '../errors';
import type { ProducerRecord, RecordHeader, SerializedRecord } from '../types';
import { DefaultSerializerTypeError } from '../serde/defaultSerializer';
import { isValidTopicName, TOPIC_NAME_RULES } from '../protocol/topicName';
import { describeType } from '../serde/describeType';
import type { Serializer } from '../serde/Serializer';
import { serializeHeaders } from '../serde/serializeHeaders';

/** Kafka partitions are int32 indexes. */
const MAX_PARTITION = 0x7fffffff;

/**
 * The last topic name found valid. Records of a stream nearly always share their topic, so the
 * name rules run once per change of topic rather than once per record.
 */
let lastValidTopic = '';

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
    return failed<M>('', -1, nowMs, undefined, new InvalidRecordError(
      `a record must be an object such as { value }, got ${describeType(record)}: wrap it, e.g. map((value) => ({ value }))`,
      {},
    ));
  }
  const meta = record.meta;

  const topic = record.topic ?? defaultTopic;
  if (typeof topic !== 'string' || topic.length === 0) {
    const message =
      record.topic === undefined || record.topic === null
        ? 'record has no topic and toKafka/createProducer has no default `topic`: set record.topic or the `topic` option'
        : `record.topic must be a non-empty string, got ${describeType(topic)}${topic === '' ? ' (empty)' : ''}`;
    return failed('', -1, nowMs, meta, new InvalidRecordError(message, { meta }));
  }
  if (topic !== lastValidTopic) {
    if (!isValidTopicName(topic)) {
      return failed('', -1, nowMs, meta, new InvalidRecordError(
        `record.topic '${topic.length > 300 ? `${topic.slice(0, 300)}…` : topic}' is not a valid Kafka topic name: ${TOPIC_NAME_RULES}`,
        { meta },
      ));
    }
    lastValidTopic = topic;
  }

  let partition = -1;
  if (record.partition !== undefined && record.partition !== null) {
    const p = record.partition as unknown;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > MAX_PARTITION) {
      return failed(topic, -1, nowMs, meta, new InvalidRecordError(
        `record.partition must be a non-negative integer (or left out to let the partitioner choose), got ${String(p)}`,
        { topic, meta },
      ));
    }
    partition = p;
  }

  let timestamp = nowMs;
  if (record.timestamp !== undefined && record.timestamp !== null) {
    const t = record.timestamp as unknown;
    // Java rejects negative timestamps too ("Timestamp should always be non-negative or null").
    if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) {
      return failed(topic, partition, nowMs, meta, new InvalidRecordError(
        `record.timestamp must be milliseconds since the epoch (a non-negative integer), got ${String(t)}; use Date.getTime()`,
        recordRef(topic, partition, meta),
      ));
    }
    timestamp = t;
  }

  const hasKey = record.key !== undefined && record.key !== null;
  const hasValue = record.value !== undefined && record.value !== null;
  if (!hasKey && !hasValue) {
    return failed(topic, partition, timestamp, meta, new InvalidRecordError(
      'record has neither a key nor a value: set value (a record without a key is fine), or key with a null ' +
        "value for a tombstone; check that the record's fields are named key and value",
      recordRef(topic, partition, meta),
    ));
  }

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
  meta: M | undefined,
): Promise<SerializedRecord<M>> {
  const [k, v] = await Promise.allSettled([key, value]);
  let keyBytes: Buffer | null;
  try {
    keyBytes = toBytes(k.status === 'fulfilled' ? k.value : rethrow(k.reason));
  } catch (err) {
    return failed(topic, partition, timestamp, meta, serializationError('key', err));
  }
  let valueBytes: Buffer | null;
  try {
    valueBytes = toBytes(v.status === 'fulfilled' ? v.value : rethrow(v.reason));
  } catch (err) {
    return failed(topic, partition, timestamp, meta, serializationError('value', err));
  }
  return { topic, partition, key: keyBytes, value: valueBytes, headers, timestamp, meta, error: null };
}

function rethrow(reason: unknown): never {
  throw reason;
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

/** Where the failed record was going, as far as known (-1: partition not chosen). */
function recordRef<M>(topic: string, partition: number, meta: M | undefined): RecordRef<M> {
  return { topic, partition: partition >= 0 ? partition : undefined, meta };
}

function failed<M>(topic: string, partition: number, timestamp: number, meta: M | undefined, error: Error): SerializedRecord<M> {
  return { topic, partition, key: null, value: null, headers: null, timestamp, meta, error };
}
