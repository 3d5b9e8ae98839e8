/**
 * The producer's memory: `bufferMemory` bytes shared by every open, queued and in-flight batch,
 * like Java's BufferPool. Batches of the usual size (`batchSize`) get pooled buffers that are reused
 * after their batch completes (no GC churn at steady state); larger batches (one oversized record)
 * get a buffer of their own, accounted the same way and freed to the GC.
 *
 * `allocate` never waits: it returns null when the memory is taken, and the caller queues itself
 * with `onAvailable`. Waiting is the caller's policy (pull less, block up to maxBlockMs, drop, …).
 */
export class BufferPool {
  /** Bytes not handed out; invariant: 0 <= availableBytes <= totalBytes. */
  private availableBytes: number;
  /** Reusable buffers of exactly `poolableBytes`; they count as allocated until reused. */
  private readonly free: Buffer[] = [];
  /** Callbacks waiting for memory, run (once each) when a buffer is returned. */
  private waiters: Array<() => void> = [];

  constructor(
    readonly totalBytes: number,
    readonly poolableBytes: number,
    /** Told the bytes available after every allocation and release (the producer's bufferAvailable$). */
    private readonly onChange: (availableBytes: number) => void = () => {},
  ) {
    this.availableBytes = totalBytes;
  }

  /** Bytes that can still be allocated right now. */
  get available(): number {
    return this.availableBytes + this.free.length * this.poolableBytes;
  }

  /** A buffer of at least `sizeBytes`, or null when that much memory is not free now. */
  allocate(sizeBytes: number): Buffer | null {
    const buffer = this.take(sizeBytes);
    if (buffer !== null) this.onChange(this.available);
    return buffer;
  }

  private take(sizeBytes: number): Buffer | null {
    if (sizeBytes === this.poolableBytes && this.free.length > 0) return this.free.pop()!;
    if (sizeBytes > this.totalBytes) return null; // never fits: the caller reports it
    // Release pooled buffers to the GC until the request fits (Java's freeUp()).
    while (this.availableBytes < sizeBytes && this.free.length > 0) {
      this.free.pop();
      this.availableBytes += this.poolableBytes;
    }
    if (this.availableBytes < sizeBytes) return null;
    this.availableBytes -= sizeBytes;
    return Buffer.allocUnsafe(sizeBytes);
  }

  /** Returns a buffer obtained from `allocate`; wakes the waiters. */
  deallocate(buffer: Buffer): void {
    if (buffer.length === this.poolableBytes) this.free.push(buffer);
    else this.availableBytes += buffer.length;
    this.onChange(this.available);
    if (this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (let i = 0; i < waiters.length; i++) waiters[i]();
    }
  }

  /** Runs `callback` once, the next time memory is returned. Returns a cancel function. */
  onAvailable(callback: () => void): () => void {
    this.waiters.push(callback);
    return () => {
      const i = this.waiters.indexOf(callback);
      if (i >= 0) this.waiters.splice(i, 1);
    };
  }
}
