import { asyncScheduler, map, OperatorFunction, SchedulerLike } from 'rxjs';
import { defaultSerializer } from '../src/serde/defaultSerializer';
import type { Serializer } from '../src/serde/Serializer';
import { serializeRecord } from '../src/serde/serializeRecord';
import type { ProducerRecord, SerializedRecord } from '../src/types';

/** Options of the `serialize` stage. */
export interface SerializeOptions<K, V> {
  /** Topic for records that name none. */
  topic?: string;
  /** Key serializer; default: Buffer, Uint8Array and string (UTF-8) as they are. */
  key?: Serializer<K>;
  /** Value serializer; default as for keys. Use `serializers.json` for objects. */
  value?: Serializer<V>;
  /** Clock for records without a timestamp (default: asyncScheduler, i.e. Date.now()). */
  scheduler?: SchedulerLike;
}

/**
 * Turns records into bytes: key, value and headers serialized, timestamp set, topic resolved. A
 * record whose serializer throws is not dropped: it goes on carrying a SerializationError and
 * fails on its ack (or stops the stream, per `stopOnError`).
 *
 * @example
 * records$.pipe(serialize({ topic: 'events', value: serializers.json }), partition(producer), …)
 */
export function serialize<K = unknown, V = unknown, M = unknown>(
  options: SerializeOptions<K, V> = {},
): OperatorFunction<ProducerRecord<K, V, M>, SerializedRecord<M>> {
  const keySerializer = (options.key ?? defaultSerializer) as Serializer<K>;
  const valueSerializer = (options.value ?? defaultSerializer) as Serializer<V>;
  const scheduler = options.scheduler ?? asyncScheduler;
  const topic = options.topic;
  return map((record) =>
    serializeRecord(record, topic, keySerializer, valueSerializer, scheduler.now()) as SerializedRecord<M>,
  );
}
