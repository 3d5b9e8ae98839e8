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
  /** The record's `meta`, as it was given (see `MetaOf`). */
  meta: M;
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
  /** The record's `meta`, as it was given (see `MetaOf`). */
  meta: M;
  /** Why the record was not delivered (an RxKafkaError). */
  error: Error;
}

/** One per record: success (`error` undefined) or failure. Narrow on `ack.error`. */
export type Ack<M = unknown> = RecordMetadata<M> | FailedAck<M>;

/**
 * The type of `meta` on the acks of records of type `R`, exactly as the records give it: `M` when
 * every record has `meta: M`, `M | undefined` when `meta?: M` is optional (as in
 * `ProducerRecord<K, V, M>`), `undefined` when the records have no `meta`; a union of record types
 * gives the union of their metas. `toKafka()`, `produce()` and `serialize()` infer their ack type
 * with it, so strict code needs no assertion.
 *
 * @example
 * const rows$ = from([{ value: 'a', meta: 41 }, { value: 'b', meta: 42 }]);
 * rows$.pipe(toKafka(config)).subscribe((ack) => checkpoint(ack.meta)); // ack.meta: number
 * type M = MetaOf<ProducerRecord<string, string, number>>;                // number | undefined
 */
export type MetaOf<R> = R extends unknown ? ('meta' extends keyof R ? R['meta'] : undefined) : never;

/**
 * The `meta` type of the acks of `toKafka<K, V, M>()`, `produce()`, `serialize()`: `M` when it is
 * given as a type argument (the caller states that every record carries one), else `MetaOf<R>`,
 * inferred from the records.
 */
export type AckMeta<M, R> = unknown extends M ? MetaOf<R> : M;

/**
 * Hooks on every record (Java's ProducerInterceptor): `onSend` before the record is serialized,
 * `onAcknowledgement` when its ack is known — success or failure, whatever failed — before the ack
 * reaches the stream. Made for tracing and auditing: inject a `traceparent` header in onSend, end
 * the span in onAcknowledgement. A hook that throws is logged (warn) and ignored, as in Java: the
 * record goes on as the previous hooks left it, and the stream never breaks.
 *
 * `onAcknowledgement` runs in the producer's hot path: keep it short.
 *
 * @example
 * const spans = new Map<unknown, Span>(); // keyed by meta: give each record a distinct meta
 * const tracing: ProducerInterceptor = {
 *   onSend(record, topic) {
 *     const span = tracer.startSpan(`${topic} publish`, { kind: SpanKind.PRODUCER });
 *     spans.set(record.meta, span);
 *     const headers: Record<string, string> = {};
 *     propagation.inject(trace.setSpan(context.active(), span), headers);
 *     return { ...record, headers: { ...record.headers, ...headers } };
 *   },
 *   onAcknowledgement(ack) {
 *     const span = spans.get(ack.meta);
 *     spans.delete(ack.meta);
 *     if (ack.error) span?.recordException(ack.error);
 *     span?.end();
 *   },
 * };
 * createProducer({ brokers, topic: 'events', interceptors: [tracing] });
 */
export interface ProducerInterceptor<K = any, V = any, M = any> {
  /**
   * Called once per record, before serialization and partitioning, with the topic it goes to
   * (`record.topic`, else the producer's `topic` option). Returns the record to send instead
   * (e.g. with headers added), or nothing to send it as it is. Hooks run in order, each getting
   * the previous one's record.
   */
  onSend?(record: ProducerRecord<K, V, M>, topic: string | undefined): ProducerRecord<K, V, M> | void;
  /**
   * Called once per record with its ack (`ack.error` set when it failed), before the ack is
   * emitted — the very object the stream then gets: read it, do not change it.
   */
  onAcknowledgement?(ack: Ack<M>): void;
  /** Called once when the producer closes. */
  close?(): void;
}

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
  /** The record's `meta`, carried to its ack. */
  meta: M;
  error: Error | null;
}
