import type { Subscription } from 'rxjs';
import { Fifo } from '../collections/Fifo';
import type { CompressionCodec } from '../compression/CompressionCodec';
import { BufferExhaustedError, RecordDroppedError, RecordTooLargeError } from '../errors';
import { RECORD_BATCH_OVERHEAD, recordSizeUpperBound } from '../protocol/RecordBatch';
import type { Time } from '../time/Time';
import type { SerializedRecord } from '../types';
import type { BufferPool } from './BufferPool';
import { ProducerBatch } from './ProducerBatch';

/** What the accumulator needs from the producer's configuration. */
export interface AccumulatorConfig {
  batchSize: number;
  lingerMs: number;
  maxRequestSize: number;
  bufferMemory: number;
  maxBlockMs: number;
  bufferPolicy: 'error' | 'drop-newest' | 'buffer';
  /** Compresses each batch's records when it is sealed; null or absent: uncompressed. */
  compressionCodec?: CompressionCodec | null;
  /** A new batch of an idle partition goes at once instead of lingering (ProducerConfig.sendWhenIdle); absent: false. */
  sendWhenIdle?: boolean;
}

/** Counts records held back in stage queues, so that pulled sources stop pulling meanwhile. */
export interface Backlog {
  add(n: number): void;
  /**
   * True while a flush() is in progress: new batches are sent without lingering, so that records
   * still on their way when flush() was called (e.g. waiting for metadata) do not wait lingerMs.
   */
  readonly flushing: boolean;
  /**
   * True while the sender already holds a closed batch of this partition that it has not sent
   * yet: a lingered batch of the partition then stays open and keeps taking records (as Java's
   * stays in its deque until drained), rather than queueing as one more small batch behind it.
   */
  partitionBusy(topic: string, partition: number): boolean;
  /**
   * True while no batch of this partition is on its way (handed on and not yet done: compressing,
   * queued in the sender or awaiting its response): with `sendWhenIdle` its new batch goes at once.
   */
  partitionIdle(topic: string, partition: number): boolean;
}

/**
 * The `accumulate` stage of one stream (Java's RecordAccumulator, per subscription): `append` writes
 * each record into its partition's open ProducerBatch; a batch is handed on (`emit`) when the next
 * record does not fit, when it has lingered `lingerMs` and the sender can take it, or on `flush`.
 *
 * A lingered batch whose partition is busy in the sender (a closed batch of it waits there
 * unsent: the broker is slow, or in-flight requests are at their bound) is held open and keeps
 * growing; `partitionReady` hands it on when the sender takes that partition's queued batch.
 * Without this, a slow broker would get a queue of small batches, each costing a request slot.
 *
 * With `sendWhenIdle`, a batch does not linger while its partition is idle (nothing of it on its
 * way): it goes once the records of the current tick are in, and a batch opened while the
 * partition was busy goes when `partitionIdled` says the last one on its way is done, or at its
 * linger, whichever comes first — Nagle's algorithm per partition: one round trip of latency at a
 * low rate, full batches under load.
 *
 * Memory comes from the producer's shared BufferPool. When it is exhausted, records wait here in
 * arrival order (backpressure point 1) until a completed batch returns memory; how long they may
 * wait is the `bufferPolicy`: 'error' fails them after `maxBlockMs`, 'drop-newest' fails the new
 * record at once, 'buffer' waits without limit.
 */
export class RecordAccumulator {
  /**
   * Open batches in creation order; invariant: every batch here is open and non-empty, and has
   * its slot in `openByTopic`. Creation order is linger order, so the lingered ones are a prefix.
   */
  private readonly open: ProducerBatch[] = [];
  /** The same batches by topic, then partition: found per record without building a key string. */
  private readonly openByTopic = new Map<string, Array<ProducerBatch | undefined>>();
  /**
   * By topic, then partition: the bytes the partition's last batch held when it was handed on. A
   * new batch starts in the size class that holds as much, so that a busy partition's batches
   * start at full size (no copies on the way up, and its buffers come back to one free list)
   * while a quiet one's stay small.
   */
  private readonly lastBatchBytes = new Map<string, number[]>();
  /** Records that found no memory, oldest first. */
  private readonly waiting = new Fifo<SerializedRecord>();
  /** When each of `waiting` started to wait, in step with it (pushed and shifted together). */
  private readonly waitingSinceMs = new Fifo<number>();
  /** Pending linger / maxBlockMs timer, at most one. */
  private timer: Subscription | null = null;
  private timerDueMs = Infinity;
  /** An open batch's partition is (or became) idle: the next timer run sends such batches (sendWhenIdle). */
  private idleCheckPending = false;
  /** Cancels our registration with the pool while records wait for memory. */
  private cancelMemoryWait: (() => void) | null = null;
  private disposed = false;

  constructor(
    private readonly config: AccumulatorConfig,
    private readonly pool: BufferPool,
    /** Linger and maxBlockMs timers on `time.scheduler`; a batch due now closes on `time.soon`. */
    private readonly time: Time,
    private readonly backlog: Backlog,
    private readonly emit: (batch: ProducerBatch) => void,
    /** Called when the last waiting record found memory or failed (the stage may complete then). */
    private readonly onWaitingDrained: () => void = () => {},
  ) {}

  /** Records waiting for memory. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /** Appends a serialized, partitioned record (or reports it failed, in order). */
  append(record: SerializedRecord): void {
    if (record.error !== null) {
      this.emitFailed(record, record.error);
      return;
    }
    if (this.waitingCount > 0) {
      // Order: nothing overtakes a record that is waiting for memory.
      this.enqueueWaiting(record);
      return;
    }
    if (!this.tryAppend(record)) this.enqueueWaiting(record);
  }

  /** Closes and emits every open batch (end of stream, or the producer's flush()). */
  flush(): void {
    this.closeAndEmitFirst(this.open.length);
    this.reschedule();
  }

  /** The sender took the last queued batch of the partition: a held batch of it goes now. */
  partitionReady(topic: string, partition: number): void {
    if (this.disposed) return;
    const batch = this.openByTopic.get(topic)?.[partition];
    if (batch === undefined || batch.state !== 'held') return;
    this.openByTopic.get(topic)![partition] = undefined;
    this.open.splice(this.open.indexOf(batch), 1);
    this.closeAndEmit(batch);
  }

  /**
   * The last batch of the partition on its way is done (sendWhenIdle): its open batch, if any, goes
   * after the current run (never inside the caller's: that is an ack path).
   */
  partitionIdled(topic: string, partition: number): void {
    if (this.disposed || this.config.sendWhenIdle !== true) return;
    if (this.openByTopic.get(topic)?.[partition] !== undefined) this.sendIdleSoon(this.time.scheduler.now());
  }

  /** True when records are still held here (open batches or waiting for memory). */
  get isEmpty(): boolean {
    return this.open.length === 0 && this.waitingCount === 0;
  }

  /**
   * Teardown without completion (the stream was unsubscribed): stops timers and gives the memory
   * of open batches back. Their records were never sent and never get an ack; the waiting records
   * are dropped likewise. Whoever unsubscribed chose not to hear about them.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.timer?.unsubscribe();
    this.timer = null;
    this.cancelMemoryWait?.();
    this.cancelMemoryWait = null;
    if (this.waitingCount > 0) this.backlog.add(-this.waitingCount);
    this.waiting.clear();
    this.waitingSinceMs.clear();
    for (let i = 0; i < this.open.length; i++) this.pool.deallocate(this.open[i].buffer!);
    this.open.length = 0;
    this.openByTopic.clear();
  }

  /** Appends into the open batch or a new one; false when no memory is available now. */
  private tryAppend(record: SerializedRecord): boolean {
    const keyBytes = record.key === null ? -1 : record.key.length;
    const valueBytes = record.value === null ? -1 : record.value.length;
    const sizeBound = recordSizeUpperBound(keyBytes, valueBytes, record.headers);
    let slots = this.openByTopic.get(record.topic);
    let batch = slots === undefined ? undefined : slots[record.partition];
    if (batch !== undefined) {
      if (batch.hasRoomFor(sizeBound)) {
        batch.append(record.timestamp, record.key, record.value, record.headers, record.meta);
        return true;
      }
      if (this.tryGrow(batch, sizeBound, record)) return true;
      // Full (at batchSize, or no memory to grow): hand it on; the record starts the next batch.
      slots![record.partition] = undefined;
      this.open.splice(this.open.indexOf(batch), 1);
      this.closeAndEmit(batch);
    }
    const needed = RECORD_BATCH_OVERHEAD + sizeBound;
    if (needed > this.config.maxRequestSize) {
      this.emitFailed(record, new RecordTooLargeError(needed, this.config.maxRequestSize, 'maxRequestSize'));
      return true;
    }
    if (needed > this.config.bufferMemory) {
      this.emitFailed(record, new RecordTooLargeError(needed, this.config.bufferMemory, 'bufferMemory'));
      return true;
    }
    // The size class that holds the record and what the partition's last batch held (more
    // records are likely to follow as many did); it grows if more arrive (tryGrow).
    const last = this.lastBatchBytes.get(record.topic)?.[record.partition];
    const buffer = this.pool.allocate(last === undefined || last <= needed ? needed : Math.min(last, this.config.batchSize));
    if (buffer === null) return false;
    const nowMs = this.time.scheduler.now();
    batch = ProducerBatch.open(record.topic, record.partition, nowMs, buffer, this.config.compressionCodec ?? null);
    batch.origin = this;
    batch.append(record.timestamp, record.key, record.value, record.headers, record.meta);
    if (slots === undefined) this.openByTopic.set(record.topic, (slots = []));
    slots[record.partition] = batch;
    this.open.push(batch);
    if (this.lingerMs() <= 0) {
      // No linger: the batch is sendable now; records appended in the same tick still join it
      // because the sender drains asynchronously, so close once this burst ends (`time.soon`).
      this.scheduleAt(nowMs);
    } else if (this.config.sendWhenIdle === true && this.backlog.partitionIdle(record.topic, record.partition)) {
      this.sendIdleSoon(nowMs);
    } else if (this.timerDueMs > nowMs + this.config.lingerMs) {
      this.scheduleAt(nowMs + this.config.lingerMs);
    }
    return true;
  }

  /**
   * Moves `batch` into a buffer twice its size (or as large as the record needs, at most
   * `batchSize`) and appends `record` there; false when the record would take the batch past
   * `batchSize` or the pool has not the memory now — the batch is then full as it is. Doubling
   * copies each byte about once on the way to `batchSize`; the buffer left goes back to its free
   * list once the record is in (which may wake other streams' waiting records).
   */
  private tryGrow(batch: ProducerBatch, sizeBound: number, record: SerializedRecord): boolean {
    const neededBytes = batch.sizeInBytes + sizeBound;
    const limitBytes = this.config.batchSize;
    if (neededBytes > limitBytes) return false;
    const buffer = this.pool.allocate(Math.min(limitBytes, Math.max(2 * batch.capacityBytes, neededBytes)));
    if (buffer === null) return false;
    const previous = batch.moveTo(buffer);
    batch.append(record.timestamp, record.key, record.value, record.headers, record.meta);
    this.pool.deallocate(previous);
    return true;
  }

  private enqueueWaiting(record: SerializedRecord): void {
    if (this.config.bufferPolicy === 'drop-newest') {
      this.emitFailed(record, new RecordDroppedError(this.config.bufferMemory));
      return;
    }
    this.waiting.push(record);
    this.waitingSinceMs.push(this.time.scheduler.now());
    this.backlog.add(1);
    if (this.cancelMemoryWait === null) {
      this.cancelMemoryWait = this.pool.onAvailable(this.onMemoryAvailable);
    }
    if (this.config.bufferPolicy === 'error' && this.waitingCount === 1) {
      const due = this.time.scheduler.now() + this.config.maxBlockMs;
      if (due < this.timerDueMs) this.scheduleAt(due);
    }
  }

  /** Drains waiting records into batches while memory lasts. Stored once: no closure per wait. */
  private readonly onMemoryAvailable = (): void => {
    this.cancelMemoryWait = null;
    if (this.disposed) return;
    while (this.waitingCount > 0) {
      if (!this.tryAppend(this.waiting.peek()!)) break;
      this.shiftWaiting();
    }
    if (this.waitingCount > 0) this.cancelMemoryWait = this.pool.onAvailable(this.onMemoryAvailable);
    this.reschedule();
    if (this.waitingCount === 0) this.onWaitingDrained();
  };

  private shiftWaiting(): SerializedRecord {
    this.waitingSinceMs.shift();
    this.backlog.add(-1);
    return this.waiting.shift()!;
  }

  /** Timer: close lingered batches and fail records that waited longer than maxBlockMs. */
  private readonly onTimer = (): void => {
    this.timer = null;
    this.timerDueMs = Infinity;
    if (this.disposed) return;
    const nowMs = this.time.scheduler.now();
    const lingerMs = this.lingerMs();
    let lingered = 0;
    while (lingered < this.open.length && this.open[lingered].createdMs + lingerMs <= nowMs) lingered++;
    if (lingered > 0) this.closeAndEmitWhere(lingered, this.lingeredMayGo);
    if (this.idleCheckPending) {
      this.idleCheckPending = false;
      this.closeAndEmitWhere(this.open.length, this.idleMayGo);
    }
    if (this.config.bufferPolicy === 'error' && this.waitingCount > 0) {
      while (this.waitingCount > 0 && this.waitingSinceMs.peek()! + this.config.maxBlockMs <= nowMs) {
        this.emitFailed(this.shiftWaiting(), new BufferExhaustedError(this.config.bufferMemory, this.config.maxBlockMs));
      }
      if (this.waitingCount === 0) {
        this.cancelMemoryWait?.();
        this.cancelMemoryWait = null;
        this.onWaitingDrained();
      }
    }
    this.reschedule();
  };

  /** How long batches linger now: not at all while a flush() is in progress (as in Java). */
  private lingerMs(): number {
    return this.backlog.flushing ? 0 : this.config.lingerMs;
  }

  /** Arms the timer for the earliest linger deadline (of a batch not held) or maxBlockMs expiry still pending. */
  private reschedule(): void {
    let first = 0;
    while (first < this.open.length && this.open[first].state === 'held') first++;
    let due = first === this.open.length ? Infinity : this.open[first].createdMs + this.lingerMs();
    if (this.config.bufferPolicy === 'error' && this.waitingCount > 0) {
      const t = this.waitingSinceMs.peek()! + this.config.maxBlockMs;
      if (t < due) due = t;
    }
    if (due === this.timerDueMs) return;
    this.timer?.unsubscribe();
    this.timer = null;
    this.timerDueMs = Infinity;
    if (due !== Infinity) this.scheduleAt(due);
  }

  /** The next timer run, once this run's records are in, sends the open batches of idle partitions. */
  private sendIdleSoon(nowMs: number): void {
    this.idleCheckPending = true;
    this.scheduleAt(nowMs);
  }

  private scheduleAt(dueMs: number): void {
    if (this.disposed) return;
    this.timer?.unsubscribe();
    this.timerDueMs = dueMs;
    const delayMs = Math.max(0, dueMs - this.time.scheduler.now());
    // Due now (lingerMs 0, a flush): close after the records of this synchronous run, on `soon`,
    // not on a timer — Node clamps a 0 ms timer to 1 ms, which would add 1 ms to every ack.
    this.timer = delayMs === 0 ? this.time.soon.schedule(this.onTimer) : this.time.scheduler.schedule(this.onTimer, delayMs);
  }

  /**
   * Takes the `n` oldest open batches out before emitting any: an emit can re-enter (a stopping
   * send stage flushes us) and must find them gone.
   */
  private closeAndEmitFirst(n: number): void {
    if (n === 0) return;
    const batches = this.open.splice(0, n);
    for (let i = 0; i < batches.length; i++) this.openByTopic.get(batches[i].topic)![batches[i].partition] = undefined;
    for (let i = 0; i < batches.length; i++) this.closeAndEmit(batches[i]);
  }

  /**
   * Of the `n` oldest open batches, takes out those `mayGo` accepts (the others stay, in order),
   * then emits them: an emit can re-enter (see above) and must find them gone.
   */
  private closeAndEmitWhere(n: number, mayGo: (batch: ProducerBatch) => boolean): void {
    let ready: ProducerBatch[] | null = null;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const batch = this.open[i];
      if (mayGo(batch)) {
        (ready ??= []).push(batch);
        this.openByTopic.get(batch.topic)![batch.partition] = undefined;
      } else {
        this.open[kept++] = batch;
      }
    }
    if (ready === null) return;
    this.open.splice(kept, n - kept);
    for (let i = 0; i < ready.length; i++) this.closeAndEmit(ready[i]);
  }

  /** A lingered batch goes unless its partition is busy in the sender: then it is held open and keeps taking records. */
  private readonly lingeredMayGo = (batch: ProducerBatch): boolean => {
    if (!this.backlog.partitionBusy(batch.topic, batch.partition)) return true;
    batch.hold();
    return false;
  };

  /** sendWhenIdle: a batch goes when its partition has nothing on its way. */
  private readonly idleMayGo = (batch: ProducerBatch): boolean => this.backlog.partitionIdle(batch.topic, batch.partition);

  private closeAndEmit(batch: ProducerBatch): void {
    let last = this.lastBatchBytes.get(batch.topic);
    if (last === undefined) this.lastBatchBytes.set(batch.topic, (last = []));
    last[batch.partition] = batch.sizeInBytes; // still open: the bytes appended, nothing sealed
    batch.close();
    this.emit(batch);
  }

  private emitFailed(record: SerializedRecord, error: Error): void {
    const batch = ProducerBatch.failed(record.topic, record.partition, this.time.scheduler.now(), record.meta, record.timestamp, error);
    batch.origin = this;
    this.emit(batch);
  }
}
