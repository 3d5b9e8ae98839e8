import { asyncScheduler, OperatorFunction, SchedulerLike } from 'rxjs';
import { holdingStage } from '../src/pipeline/holdingStage';
import { defaultSerializer } from '../src/serde/defaultSerializer';
import type { Serializer } from '../src/serde/Serializer';
import { serializeRecord } from '../src/pipeline/serializeRecord';
import { SerializeStage, type SerializationCounter } from '../src/pipeline/SerializeStage';
import type { ProducerRecord, SerializedRecord } from '../src/types';

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
  producer?: SerializationCounter;
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
export function serialize<K = unknown, V = unknown, M = unknown>(
  options: SerializeOptions<K, V> = {},
): OperatorFunction<ProducerRecord<K, V, M>, SerializedRecord<M>> {
  const keySerializer = (options.key ?? defaultSerializer) as Serializer<never>;
  const valueSerializer = (options.value ?? defaultSerializer) as Serializer<never>;
  const scheduler = options.scheduler ?? asyncScheduler;
  const topic = options.topic;
  const counter = options.producer ?? null;
  // Chosen once, when the stage is built: without hooks, a record costs exactly what it did before.
  const hooks = counter?.interceptors ?? null;
  // Completion waits for records still being serialized.
  return holdingStage<ProducerRecord<K, V, M>, SerializedRecord<M>>((emit, onEmpty) => {
    const stage = new SerializeStage<M>(emit, counter, onEmpty);
    return {
      push:
        hooks === null
          ? (record) => stage.push(serializeRecord(record, topic, keySerializer, valueSerializer, scheduler.now()) as SerializedRecord<M> | Promise<SerializedRecord<M>>)
          : (record) => stage.push(serializeRecord(hooks.onSend(record, topic), topic, keySerializer, valueSerializer, scheduler.now()) as SerializedRecord<M> | Promise<SerializedRecord<M>>),
      get waitingCount() {
        return stage.waitingCount;
      },
      dispose: () => stage.dispose(),
    };
  });
}
