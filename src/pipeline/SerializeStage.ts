import type { OperatorFunction } from 'rxjs';
import { defaultSerializer } from '../serde/defaultSerializer';
import type { Serializer } from '../serde/Serializer';
import type { ProducerRecord, SerializedRecord } from '../types';
import type { Time } from '../time/Time';
import { recordClock } from './recordClock';
import { holdingStage, type HoldingStage } from './holdingStage';
import type { Interceptors } from './Interceptors';
import type { PipelineBacklog } from './PipelineBacklog';
import { serializeRecord } from './serializeRecord';

/** The part of the producer's backlog the serialize stage counts its held records in. */
export type SerializationCounter = Pick<PipelineBacklog, 'addSerializing' | 'releaseSerializing'>;

/**
 * The `serialize` stage's ordering: records leave in the order they came, whether their serializers
 * answered at once or returned a Promise. A result that is ready while nothing is pending goes on
 * at once (the synchronous path allocates nothing); otherwise it waits behind the pending ones,
 * like a reorder buffer. Every record held here is counted in the producer's backlog until it
 * goes on, so `flush()` waits for it and a pulled source pauses at MAX_PENDING_SERIALIZATIONS.
 */
export class SerializeStage<M> {
  /** Results in arrival order from `head`; undefined while that record's serialization is pending. */
  private slots: Array<SerializedRecord<M> | undefined> = [];
  private head = 0;
  /** Records removed from the front of `slots` so far: slot i holds record number `removed + i`. */
  private removed = 0;
  private disposed = false;

  constructor(
    private readonly emit: (record: SerializedRecord<M>) => void,
    private readonly counter: SerializationCounter | null,
    /** Called when the last held record has gone on. */
    private readonly onEmpty: () => void,
  ) {}

  /** Records held here (pending, or ready behind a pending one). */
  get waitingCount(): number {
    return this.slots.length - this.head;
  }

  /** One record's serializeRecord result, in source order. */
  push(out: SerializedRecord<M> | Promise<SerializedRecord<M>>): void {
    if (!(out instanceof Promise)) {
      if (this.head === this.slots.length) this.emit(out);
      else this.hold(out);
      return;
    }
    const number = this.removed + this.slots.length;
    this.hold(undefined);
    // serializeRecord's Promise never rejects: a failed serializer gives a record carrying its error.
    void out.then((record) => {
      if (this.disposed) return;
      this.slots[number - this.removed] = record;
      this.release();
    });
  }

  /** The stream ended without completing (unsubscribed or errored): held records are forgotten. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const held = this.waitingCount;
    this.slots = [];
    this.head = 0;
    if (held > 0) this.counter?.addSerializing(-held);
  }

  private hold(record: SerializedRecord<M> | undefined): void {
    this.slots.push(record);
    this.counter?.addSerializing(1);
  }

  /** Emits the ready records at the front, in order. */
  private release(): void {
    const slots = this.slots;
    const first = this.head;
    let end = first;
    while (end < slots.length && slots[end] !== undefined) end++;
    const n = end - first;
    if (n === 0) return;
    // Taken out before they are emitted: a dispose() while emitting does not count them again.
    this.head = end;
    const emitAll = (): void => {
      for (let i = first; i < end; i++) {
        const record = slots[i]!;
        slots[i] = undefined;
        if (!this.disposed) this.emit(record);
      }
    };
    if (this.counter === null) emitAll();
    else this.counter.releaseSerializing(n, emitAll);
    if (this.disposed) return;
    if (this.head === slots.length) {
      this.removed += slots.length;
      slots.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= slots.length) {
      slots.splice(0, this.head);
      this.removed += this.head;
      this.head = 0;
    }
    if (this.waitingCount === 0) this.onEmpty();
  }
}

/** What the serialize stage of a stream is built from. */
export interface SerializeStageOptions<K, V> {
  /** Topic for records that name none. */
  topic: string | undefined;
  /** Undefined: the default serializer (Buffer, Uint8Array, string). */
  key: Serializer<K> | undefined;
  value: Serializer<V> | undefined;
  /** The clock of records without a timestamp (see recordClock). */
  time: Pick<Time, 'scheduler' | 'soon'>;
  /** Where held records are counted (the producer's backlog); null when not producing to a producer. */
  backlog: SerializationCounter | null;
  /** onSend hooks, run before each record is serialized; null: none. */
  interceptors: Interceptors | null;
}

/**
 * The serialize stage of one subscription, as a HoldingStage emitting to `emit`: each record
 * serialized (serializeRecord) and given on in arrival order through a SerializeStage.
 */
export function createSerializeStage<K, V, M>(
  options: SerializeStageOptions<K, V>,
  emit: (record: SerializedRecord<M>) => void,
  onEmpty: () => void,
): HoldingStage<ProducerRecord<K, V, M>> {
  const keySerializer = (options.key ?? defaultSerializer) as Serializer<never>;
  const valueSerializer = (options.value ?? defaultSerializer) as Serializer<never>;
  const { topic, backlog } = options;
  // Chosen once, when the stage is built: without hooks, a record costs exactly what it did before.
  const hooks = options.interceptors;
  const stage = new SerializeStage<M>(emit, backlog, onEmpty);
  // One per subscription: a burst is one stream's.
  const now = recordClock(options.time);
  type Out = SerializedRecord<M> | Promise<SerializedRecord<M>>;
  return {
    push:
      hooks === null
        ? (record) => stage.push(serializeRecord(record, topic, keySerializer, valueSerializer, now()) as Out)
        : (record) => stage.push(serializeRecord(hooks.onSend(record, topic), topic, keySerializer, valueSerializer, now()) as Out),
    get waitingCount() {
      return stage.waitingCount;
    },
    dispose: () => stage.dispose(),
  };
}

/**
 * The serialize stage as an operator: each record serialized (serializeRecord) and given on in
 * arrival order through a SerializeStage; completion waits for records still being serialized.
 */
export function serializeStage<K, V, M>(options: SerializeStageOptions<K, V>): OperatorFunction<ProducerRecord<K, V, M>, SerializedRecord<M>> {
  return holdingStage<ProducerRecord<K, V, M>, SerializedRecord<M>>((emit, onEmpty) => createSerializeStage<K, V, M>(options, emit, onEmpty));
}
