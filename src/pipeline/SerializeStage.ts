import type { Interceptors } from './Interceptors';
import type { SerializedRecord } from '../types';

/**
 * Async serializations one stream may have running at once. A pulled source is not read further
 * while this many are pending (the producer's room check counts them), so memory stays bounded.
 */
export const MAX_PENDING_SERIALIZATIONS = 1024;

/** Where held records are counted (the producer's backlog: flush() and pulled sources see them). */
export interface SerializationCounter {
  /** `n` more records held (negative: forgotten). */
  addSerializing(n: number): void;
  /** `n` held records went on, `movedOn` of them into the next stage's hold. */
  releaseSerializing(n: number, movedOn: number): void;
  /** Records ever held by a stage: compared around emits, how many the next stage held. */
  readonly heldTotal: number;
  /** The producer's onSend hooks, called before each record is serialized; null or absent: none. */
  readonly interceptors?: Interceptors | null;
}

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
    const counter = this.counter;
    const heldBefore = counter === null ? 0 : counter.heldTotal;
    let emitted = 0;
    while (this.head < slots.length && slots[this.head] !== undefined) {
      const record = slots[this.head]!;
      slots[this.head++] = undefined;
      emitted++;
      this.emit(record);
      if (this.disposed) return;
    }
    if (emitted === 0) return;
    if (this.head === slots.length) {
      this.removed += slots.length;
      slots.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= slots.length) {
      slots.splice(0, this.head);
      this.removed += this.head;
      this.head = 0;
    }
    counter?.releaseSerializing(emitted, counter.heldTotal - heldBefore);
    if (this.waitingCount === 0) this.onEmpty();
  }
}
