/**
 * Where batches are compressed: the stage between the accumulator and the sender (the producer's
 * `enqueue`). A batch whose compression costs little (below its codec's `offLoopMinBytes`) goes
 * on at once and is compressed by the sender when it drains it; a bigger or slower one is
 * compressed off the event loop (`ProducerBatch.sealAsync`: libuv's thread pool, or zstd's own
 * worker threads — every zstd batch) meanwhile, so the event loop stays free. Batches go on in the order they came — a partition's batches must reach the sender
 * in order — so one that is ready waits for any earlier one still compressing.
 *
 * Memory: the compressed bytes are written back into the batch's own buffer (bufferMemory keeps
 * counting that buffer); the codec's output exists only until then.
 *
 * @example
 * const compressor = new BatchCompressor((batch) => sender.enqueue(batch));
 * compressor.submit(batch); // from the producer's enqueue(), after the accumulator closed it
 */
import { Fifo } from '../collections/Fifo';
import type { ProducerBatch } from './ProducerBatch';

export class BatchCompressor {
  /** Batches submitted and not yet handed on, oldest first. */
  private readonly waiting = new Fifo<ProducerBatch>();
  /** Of `waiting`, those that are ready to go on (sealed, or cheap enough to seal later). */
  private readonly ready = new Set<ProducerBatch>();

  constructor(
    /** Takes each batch on, in submission order (the sender's enqueue). */
    private readonly handOn: (batch: ProducerBatch) => void,
    /** Told when a batch could not be compressed (it goes on uncompressed). */
    private readonly onCompressionError: (batch: ProducerBatch, error: unknown) => void = () => {},
  ) {}

  /** Batches compressing or waiting for an earlier one. */
  get pendingCount(): number {
    return this.waiting.size;
  }

  /** Hands `batch` on now, or once it (and every batch submitted before it) is compressed. */
  submit(batch: ProducerBatch): void {
    const offLoop = batch.compressesOffLoop;
    if (!offLoop && this.pendingCount === 0) {
      this.handOn(batch);
      return;
    }
    this.waiting.push(batch);
    if (!offLoop) {
      this.ready.add(batch);
      return;
    }
    batch.sealAsync().then(
      () => this.onSealed(batch),
      (error: unknown) => {
        this.onCompressionError(batch, error);
        this.onSealed(batch);
      },
    );
  }

  private onSealed(batch: ProducerBatch): void {
    this.ready.add(batch);
    // Hand on the ready prefix, oldest first.
    while (this.waiting.size > 0 && this.ready.has(this.waiting.peek()!)) {
      const next = this.waiting.shift()!;
      this.ready.delete(next);
      this.handOn(next);
    }
  }
}
