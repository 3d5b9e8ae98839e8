/**
 * The smallest size class: a batch starts in a buffer of this size (or of `batchSize` when that is
 * smaller, or of its first record when that is larger) and grows by doubling as records arrive.
 * 16 KiB is Java's default `batch.size`: a partition that gets a few records holds what it would
 * hold in Java, whatever `batchSize` is.
 */
export const SMALLEST_CLASS_BYTES = 16384;

/**
 * The producer's memory: `bufferMemory` bytes shared by every open, queued and in-flight batch,
 * like Java's BufferPool, counted in the buffers actually held. Unlike Java's, a batch does not
 * take its whole `batchSize` up front: it starts in a small buffer and moves to a larger one as
 * records arrive (RecordAccumulator), so the pool hands out buffers of a few size classes —
 * powers of two from SMALLEST_CLASS_BYTES up to `batchSize`, `batchSize` itself the largest
 * (`sizeClasses`). Returned buffers of a class are kept on that class's free list and reused (no
 * GC churn at steady state); a larger buffer (one oversized record) is the batch's own, accounted
 * the same way and freed to the GC.
 *
 * `allocate` never waits: it returns null when the memory is taken, and the caller queues itself
 * with `onAvailable`. Waiting is the caller's policy (pull less, block up to maxBlockMs, drop, …).
 */
export class BufferPool {
  /** Size classes, ascending, the last one `poolableBytes`; empty when `poolableBytes` is 0. */
  readonly sizeClasses: readonly number[];
  /**
   * Bytes neither handed out nor on a free list; invariant:
   * 0 <= availableBytes and availableBytes + freeBytes + (bytes handed out) === totalBytes.
   */
  private availableBytes: number;
  /** Reusable buffers, one list per size class (same index); they count as allocated until reused. */
  private readonly free: Buffer[][];
  /** Sum of the lengths of the buffers on the free lists. */
  private freeBytes = 0;
  /** Callbacks waiting for memory, run (once each) when a buffer is returned. */
  private waiters: Array<() => void> = [];

  constructor(
    readonly totalBytes: number,
    /** The largest pooled size: `batchSize`. */
    readonly poolableBytes: number,
    /** Told the bytes available after every allocation and release (the producer's bufferAvailable$). */
    private readonly onChange: (availableBytes: number) => void = () => {},
    smallestClassBytes = SMALLEST_CLASS_BYTES,
  ) {
    this.availableBytes = totalBytes;
    const classes: number[] = [];
    if (poolableBytes > 0) {
      for (let size = Math.min(smallestClassBytes, poolableBytes); size < poolableBytes; size *= 2) classes.push(size);
      classes.push(poolableBytes);
    }
    this.sizeClasses = classes;
    this.free = classes.map(() => []);
  }

  /** Bytes that can still be allocated right now (free-listed buffers included: they can be released). */
  get available(): number {
    return this.availableBytes + this.freeBytes;
  }

  /**
   * The length of the buffer `allocate(sizeBytes)` hands out: the smallest size class that holds
   * `sizeBytes`, or `sizeBytes` itself above the largest class.
   */
  sizeFor(sizeBytes: number): number {
    const classes = this.sizeClasses;
    for (let i = 0; i < classes.length; i++) if (classes[i] >= sizeBytes) return classes[i];
    return sizeBytes;
  }

  /**
   * A buffer of at least `sizeBytes` (exactly `sizeFor(sizeBytes)`), or null when that much memory
   * is not free now.
   */
  allocate(sizeBytes: number): Buffer | null {
    const buffer = this.take(this.sizeFor(sizeBytes));
    if (buffer !== null) this.onChange(this.available);
    return buffer;
  }

  private take(sizeBytes: number): Buffer | null {
    const c = this.classOf(sizeBytes);
    if (c >= 0 && this.free[c].length > 0) {
      this.freeBytes -= sizeBytes;
      return this.free[c].pop()!;
    }
    if (sizeBytes > this.totalBytes) return null; // never fits: the caller reports it
    // Release pooled buffers to the GC until the request fits (Java's freeUp()), largest first:
    // the fewest buffers lost for the room.
    for (let i = this.free.length - 1; i >= 0 && this.availableBytes < sizeBytes; i--) {
      const list = this.free[i];
      while (this.availableBytes < sizeBytes && list.length > 0) {
        list.pop();
        this.freeBytes -= this.sizeClasses[i];
        this.availableBytes += this.sizeClasses[i];
      }
    }
    if (this.availableBytes < sizeBytes) return null;
    this.availableBytes -= sizeBytes;
    return Buffer.allocUnsafe(sizeBytes);
  }

  /**
   * Returns a buffer obtained from `allocate` (a batch completed, or grew out of it); wakes the
   * waiters.
   */
  deallocate(buffer: Buffer): void {
    const c = this.classOf(buffer.length);
    if (c >= 0) {
      this.free[c].push(buffer);
      this.freeBytes += buffer.length;
    } else {
      this.availableBytes += buffer.length;
    }
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

  /** Index of the size class of exactly `sizeBytes`, or -1 (an oversized buffer). */
  private classOf(sizeBytes: number): number {
    const classes = this.sizeClasses;
    for (let i = classes.length - 1; i >= 0; i--) if (classes[i] === sizeBytes) return i;
    return -1;
  }
}
