import type { BufferPool } from '../accumulator/BufferPool';
import type { ProducerBatch } from '../accumulator/ProducerBatch';
import type { RecordAccumulator } from '../accumulator/RecordAccumulator';
import { PartitionCounter } from '../collections/PartitionCounter';
import type { PipelineBacklog } from '../pipeline/PipelineBacklog';
import type { BatchSink } from '../pipeline/PipelineHost';

/**
 * The batches of every stream from the moment an accumulate stage hands them over until they are
 * done, and the accumulate stages still holding open batches: what the producer's flush() and
 * close() wait for (Java's `IncompleteBatches` and `RecordAccumulator.awaitFlushCompletion`).
 *
 * Each batch given to `enqueue` comes back exactly once — done (`release`) or split into parts that
 * stand for it (`split`) — and gives its pooled memory back then.
 */
export class IncompleteBatches implements BatchSink {
  /** Batches handed to the sender and not yet done. */
  private readonly outstanding = new Set<ProducerBatch>();
  /** `outstanding` counted by partition: a partition with none is idle (sendWhenIdle). */
  private readonly onTheirWay = new PartitionCounter();
  /** Live accumulate stages, so that a flush reaches every open batch. */
  private readonly accumulators = new Set<RecordAccumulator>();
  /** flush() calls waiting for the batches they saw. */
  private flushWaiters: Array<{ batches: Set<ProducerBatch>; resolve: () => void }> = [];
  /** drain() calls waiting until nothing at all is left. */
  private idleWaiters: Array<() => void> = [];
  /** flush() / drain() calls not yet resolved; while > 0, batches do not linger. */
  private flushesInProgress = 0;

  constructor(
    private readonly pool: BufferPool,
    /** Records still held by the stages: nothing is idle while any are. */
    private readonly backlog: PipelineBacklog,
    /** On to the compressor and the sender. */
    private readonly handOver: (batch: ProducerBatch) => void,
    /** Whether the sender holds a closed, unsent batch of the partition. */
    private readonly queuedInSender: (topic: string, partition: number) => boolean,
  ) {}

  get flushing(): boolean {
    return this.flushesInProgress > 0;
  }

  partitionBusy(topic: string, partition: number): boolean {
    return this.queuedInSender(topic, partition);
  }

  register(accumulator: RecordAccumulator): () => void {
    this.accumulators.add(accumulator);
    return () => {
      this.accumulators.delete(accumulator);
      this.checkIdle();
    };
  }

  partitionIdle(topic: string, partition: number): boolean {
    return this.onTheirWay.get(topic, partition) === 0;
  }

  /** The sender took the last queued batch of the partition: a batch held open for it may go now. */
  partitionDrained(topic: string, partition: number): void {
    for (const acc of this.accumulators) acc.partitionReady(topic, partition);
  }

  enqueue(batch: ProducerBatch): void {
    this.track(batch);
    this.handOver(batch);
  }

  release(batch: ProducerBatch): void {
    if (batch.pooled) this.pool.deallocate(batch.buffer!);
    const idled = this.untrack(batch);
    if (this.flushWaiters.length > 0) this.releaseFlushWaiters(batch);
    this.checkIdle();
    if (idled) for (const acc of this.accumulators) acc.partitionIdled(batch.topic, batch.partition);
  }

  discard(batch: ProducerBatch): void {
    if (batch.buffer !== null && batch.pooled) this.pool.deallocate(batch.buffer);
  }

  split(batch: ProducerBatch, parts: ProducerBatch[]): void {
    // The parts are counted before the batch is not: the partition never looks idle in between.
    for (let i = 0; i < parts.length; i++) this.track(parts[i]);
    this.untrack(batch);
    for (let i = 0; i < this.flushWaiters.length; i++) {
      const waiting = this.flushWaiters[i].batches;
      if (waiting.delete(batch)) for (let j = 0; j < parts.length; j++) waiting.add(parts[j]);
    }
    // Last: returning memory may wake accumulators, which hand over batches at once. A part split
    // again has no pooled memory to return.
    if (batch.pooled) this.pool.deallocate(batch.buffer!);
  }

  /**
   * Producer.flush(): sends every open batch now and resolves when every record given before the
   * call is done — those held back by the stages at the call first reach their batches.
   */
  async flush(): Promise<void> {
    this.flushesInProgress++;
    try {
      await this.backlog.whenHeldNowHaveLeft();
      for (const acc of this.accumulators) acc.flush();
      if (this.outstanding.size > 0) {
        const batches = new Set(this.outstanding);
        await new Promise<void>((resolve) => this.flushWaiters.push({ batches, resolve }));
      }
    } finally {
      this.flushesInProgress--;
    }
  }

  /** Producer.close(): sends everything now and resolves once nothing is left — also what arrives meanwhile. */
  async drain(): Promise<void> {
    this.flushesInProgress++;
    try {
      for (const acc of this.accumulators) acc.flush();
      if (!this.isIdle()) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    } finally {
      this.flushesInProgress--;
    }
  }

  /** The producer closed: every flush() still waiting resolves (what it waited for failed). */
  releaseAllWaiters(): void {
    this.backlog.releaseAllWaiters();
    for (const w of this.flushWaiters.splice(0)) w.resolve();
  }

  /** `batch` is on its way: in `outstanding`, and counted for its partition. */
  private track(batch: ProducerBatch): void {
    this.outstanding.add(batch);
    this.onTheirWay.increment(batch.topic, batch.partition);
  }

  /** `batch` is no longer on its way; true when it was its partition's last (the partition idled). */
  private untrack(batch: ProducerBatch): boolean {
    return this.outstanding.delete(batch) && this.onTheirWay.decrement(batch.topic, batch.partition) === 0;
  }

  private releaseFlushWaiters(done: ProducerBatch): void {
    const waiting = this.flushWaiters;
    this.flushWaiters = [];
    for (let i = 0; i < waiting.length; i++) {
      waiting[i].batches.delete(done);
      if (waiting[i].batches.size === 0) waiting[i].resolve();
      else this.flushWaiters.push(waiting[i]);
    }
  }

  private isIdle(): boolean {
    if (this.outstanding.size > 0 || this.backlog.count > 0) return false;
    for (const acc of this.accumulators) if (!acc.isEmpty) return false;
    return true;
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (let i = 0; i < waiters.length; i++) waiters[i]();
  }
}
