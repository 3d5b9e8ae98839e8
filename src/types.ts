/**
 * The public record and ack types: what a user puts into the producer and what comes back, one ack
 * per record. Acks of one partition come in the order its records went in; across partitions they
 * come as batches complete.
 */

/**
 * One record to produce. Only `value` (or `key`) is usually set; `topic` falls back to the
 * producer's `topic` option, `partition` to the partitioner, `timestamp` to the time of
 * serialization.
 *
 * `meta` is the caller's correlation value: it is never sent to Kafka, it rides with the record and
 * comes back on its ack (e.g. a source offset to commit once the record is durable).
 *
 * @example
 * const record: ProducerRecord<string, Order, number> = {
 *   topic: 'orders',
 *   key: order.customerId,          // same key → same partition, as with the Java producer
 *   value: order,                   // with serializers: { value: serializers.json }
 *   headers: { 'trace-id': traceId },
 *   meta: sourceOffset,             // comes back as ack.meta
 * };
 */
export interface ProducerRecord<K = unknown, V = unknown, M = unknown> {
  /** Topic to write to; default: the producer's `topic` option. */
  topic?: string;
  /** Explicit partition (0-based); default: chosen by the partitioner. */
  partition?: number;
  /** Record key; records with equal keys land on the same partition. null/undefined: no key. */
  key?: K | null;
  /** Record value; null/undefined is sent as a null value (a tombstone on compacted topics). */
  value?: V | null;
  /**
   * Record headers, as an object (one value per key) or as an array (keys may repeat, order kept).
   * Values are strings (sent as UTF-8), Buffers, or null.
   */
  headers?: Record<string, string | Buffer | null> | Array<{ key: string; value: string | Buffer | null }>;
  /** Create time in ms since the epoch; default: the time the record is serialized. */
  timestamp?: number;
  /** The caller's correlation value, returned on the ack; never sent. */
  meta?: M;
}

/**
 * The ack of a record the brokers accepted.
 *
 * @example
 * acks$.subscribe((ack) => {
 *   if (ack.error === undefined) checkpoint(ack.meta, ack.topic, ack.partition, ack.offset);
 * });
 */
export interface RecordMetadata<M = unknown> {
  topic: string;
  partition: number;
  /** The record's offset in its partition; -1n with acks=0 (the broker sends no response). */
  offset: bigint;
  /** The record's timestamp (create time, or the broker's log-append time if the topic uses it). */
  timestamp: number;
  meta: M | undefined;
  error?: undefined;
}

/**
 * The ack of a record that was not delivered: `error` says why (an RxKafkaError subclass, e.g.
 * DeliveryTimeoutError, SerializationError, RecordTooLargeError). Coordinates that were not known
 * when it failed (e.g. the partition of a record that failed to serialize) are undefined.
 */
export interface FailedAck<M = unknown> {
  topic: string | undefined;
  partition: number | undefined;
  offset: undefined;
  timestamp: number | undefined;
  meta: M | undefined;
  /** Why the record was not delivered (an RxKafkaError). */
  error: Error;
}

/** One per record: success (`error` undefined) or failure. Narrow on `ack.error`. */
export type Ack<M = unknown> = RecordMetadata<M> | FailedAck<M>;

/** A header as it goes on the wire. */
export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/**
 * What `serialize()` emits: a record as bytes ready for the wire. `partition` is -1 until the
 * partition stage chooses one. When `error` is set the record failed before being sent (bad
 * serializer output, no topic, invalid partition…) and flows on only so that its ack reports it.
 */
export interface SerializedRecord<M = unknown> {
  topic: string;
  /** -1 = not chosen yet. */
  partition: number;
  key: Buffer | null;
  value: Buffer | null;
  /** null when the record has no headers. */
  headers: RecordHeader[] | null;
  /** Create time, ms since the epoch. */
  timestamp: number;
  meta: M | undefined;
  error: Error | null;
}
