import { asyncScheduler, OperatorFunction, SchedulerLike } from 'rxjs';
import { serializeStage } from '../src/pipeline/SerializeStage';
import type { Producer } from '../src/producer/Producer';
import { timeOn } from '../src/time/Time';
import type { Serializer } from '../src/serde/Serializer';
import type { AckMeta, ProducerRecord, SerializedRecord } from '../src/types';

/** Options of the `serialize` stage. */
export interface SerializeOptions<K, V> {
  /** Topic for records that name none. */
  topic?: string;
  /** Key serializer; default: Buffer, Uint8Array and string (UTF-8) as they are. May be async. */
  key?: Serializer<K>;
  /** Value serializer; default as for keys. Use `serializers.json` for objects. May be async. */
  value?: Serializer<V>;
  /** Clock for records without a timestamp (default: asyncScheduler, i.e. Date.now()). */
  scheduler?: SchedulerLike;
  /**
   * The producer the records go to: records waiting for an async serializer then count as given
   * to it — `flush()` waits for them and a pulled source pauses while MAX_PENDING_SERIALIZATIONS
   * are pending — and its `interceptors`' onSend runs before each record is serialized.
   * `produce()` and `toKafka()` set it.
   */
  producer?: Producer;
}

/**
 * Turns records into bytes: key, value and headers serialized, timestamp set, topic resolved. A
 * record whose serializer throws (or whose async serializer rejects) is not dropped: it goes on
 * carrying a SerializationError and fails on its ack (or stops the stream, per `stopOnError`).
 * Async serializers run concurrently; records still leave in the order they came.
 *
 * @example
 * records$.pipe(serialize({ topic: 'events', value: serializers.json }), partition(producer), …)
 */
export function serialize<K = unknown, V = unknown, M = unknown, R extends ProducerRecord<K, V, M> = ProducerRecord<K, V, M>>(
  options: SerializeOptions<K, V> = {},
): OperatorFunction<R, SerializedRecord<AckMeta<M, R>>> {
  const host = options.producer?.pipelineHost ?? null;
  // The records' meta rides untouched to the SerializedRecord: its type is the records' own.
  return serializeStage<K, V, AckMeta<M, R>>({
    topic: options.topic,
    key: options.key,
    value: options.value,
    time: timeOn(options.scheduler ?? asyncScheduler),
    backlog: host?.backlog ?? null,
    interceptors: host?.interceptors ?? null,
  }) as OperatorFunction<R, SerializedRecord<AckMeta<M, R>>>;
}
