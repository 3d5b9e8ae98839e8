import { InvalidRecordError } from '../errors';
import { isValidTopicName, TOPIC_NAME_RULES } from '../protocol/topicName';
import { describeType } from '../serde/describeType';
import type { ProducerRecord } from '../types';

/**
 * The checks of a record's envelope — topic, partition, timestamp — before its bytes are made.
 * Each returns the value to use, or the InvalidRecordError that fails the record (never throws, and
 * allocates nothing on the way that passes: it runs once per record).
 */

/** Kafka partitions are int32 indexes. */
const MAX_PARTITION = 0x7fffffff;

/**
 * The last topic name found valid. Records of a stream nearly always share their topic, so the
 * name rules run once per change of topic rather than once per record.
 */
let lastValidTopic = '';

/** The record's topic, else the producer's `topic` option; a name Kafka accepts. */
export function recordTopic(record: ProducerRecord<unknown, unknown, unknown>, defaultTopic: string | undefined): string | InvalidRecordError {
  const meta = record.meta;
  const topic = record.topic ?? defaultTopic;
  if (typeof topic !== 'string' || topic.length === 0) {
    const message =
      record.topic === undefined || record.topic === null
        ? 'record has no topic and toKafka/createProducer has no default `topic`: set record.topic or the `topic` option'
        : `record.topic must be a non-empty string, got ${describeType(topic)}${topic === '' ? ' (empty)' : ''}`;
    return new InvalidRecordError(message, { meta });
  }
  if (topic !== lastValidTopic) {
    if (!isValidTopicName(topic)) {
      return new InvalidRecordError(
        `record.topic '${topic.length > 300 ? `${topic.slice(0, 300)}…` : topic}' is not a valid Kafka topic name: ${TOPIC_NAME_RULES}`,
        { meta },
      );
    }
    lastValidTopic = topic;
  }
  return topic;
}

/** The record's own partition, or -1 to let the partitioner choose. */
export function recordPartition(record: ProducerRecord<unknown, unknown, unknown>, topic: string): number | InvalidRecordError {
  if (record.partition === undefined || record.partition === null) return -1;
  const p = record.partition as unknown;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > MAX_PARTITION) {
    return new InvalidRecordError(
      `record.partition must be a non-negative integer (or left out to let the partitioner choose), got ${String(p)}`,
      { topic, meta: record.meta },
    );
  }
  return p;
}

/** The record's own timestamp, or `nowMs` (CreateTime) when it has none. */
export function recordTimestamp(
  record: ProducerRecord<unknown, unknown, unknown>,
  topic: string,
  partition: number,
  nowMs: number,
): number | InvalidRecordError {
  if (record.timestamp === undefined || record.timestamp === null) return nowMs;
  const t = record.timestamp as unknown;
  // Java rejects negative timestamps too ("Timestamp should always be non-negative or null").
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) {
    return new InvalidRecordError(
      `record.timestamp must be milliseconds since the epoch (a non-negative integer), got ${String(t)}; use Date.getTime()`,
      { topic, partition: partition >= 0 ? partition : undefined, meta: record.meta },
    );
  }
  return t;
}
