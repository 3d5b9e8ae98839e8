/**
 * The uniform sticky partitioner for keyless records (KIP-794, Java's `BuiltInPartitioner` without
 * adaptive partitioning). One instance per topic, owned by the producer.
 *
 * Why sticky: spreading keyless records round-robin makes one small batch per partition per
 * linger; sending all of them to one partition until a batch's worth has gone there makes full
 * batches, fewer requests and lower latency. Why uniform (KIP-794 over KIP-480's "switch when a
 * new batch is created"): the old rule sent more records to slower brokers, whose batches filled
 * while waiting; counting bytes makes every partition get the same amount over time.
 *
 * What it follows from Java:
 * - the sticky partition is chosen uniformly at random among the available partitions (those with
 *   a leader), or among all partitions when none is available (`nextPartition`);
 * - only bytes appended to the current sticky partition count (`updatePartitionInfo` ignores a
 *   partition that is no longer the sticky one);
 * - once at least `batchSize` bytes (Java's `stickyBatchSize` = `batch.size`) were produced to it,
 *   the next record goes to a newly chosen partition. rxkafka's default `batchSize` is 256 KiB,
 *   not Java's 16 KiB (batches take memory as records arrive): keyless records so stay on one
 *   partition 16 times longer, the same full batches, but a slow stream spreads over partitions
 *   in coarser steps (at 100 KB/s, a switch every ~2.6 s rather than every ~0.16 s). A user who
 *   wants finer spreading at low rates lowers `batchSize`.
 *
 * What it leaves out:
 * - adaptive partitioning (`partitioner.adaptive.partitioning.enable`): weighting the choice by
 *   each broker's queue size;
 * - `partitioner.availability.timeout.ms`: excluding partitions whose leader is slow to drain;
 * - the "switch only when the batch is ready" refinement (Java's `enableSwitch`, capped at 2 ×
 *   batchSize): here the switch happens at batchSize bytes.
 *
 * One difference, on purpose: when more than one partition is available the new sticky partition
 * is never the current one (as KIP-480's StickyPartitionCache did; Java's KIP-794 code may pick the
 * same partition again), so that a switch always spreads load.
 *
 * @example
 * const sticky = new BuiltInPartitioner();
 * const p = sticky.partition(numPartitions, availablePartitions);
 * // … append the record to p's batch, then:
 * sticky.onAppend(p, recordBytes, config.batchSize);
 */
export class BuiltInPartitioner {
  /** Partition keyless records go to now; -1 when none is chosen (first record, or after a switch). */
  private current = -1;
  /** The partition before a switch, avoided by the next choice; -1 when none. */
  private previous = -1;
  /** Bytes appended to `current` since it was chosen; reset on every switch. */
  private producedBytes = 0;

  /**
   * @param random uniform in [0, 1), like Math.random (the default); injectable for tests.
   */
  constructor(private readonly random: () => number = Math.random) {}

  /** The current sticky partition, or -1 when the next partition() call will choose a new one. */
  get currentPartition(): number {
    return this.current;
  }

  /**
   * The sticky partition for the next keyless record; chooses one when there is none.
   *
   * @param availablePartitions partitions that have a leader now; default (or empty): all of
   * `0 … numPartitions-1`.
   */
  partition(numPartitions: number, availablePartitions?: readonly number[]): number {
    // A partition count that shrank (not possible in Kafka, possible with a stale test cluster)
    // must not leave us on a partition that does not exist.
    if (this.current < 0 || this.current >= numPartitions) {
      this.current = this.nextPartition(numPartitions, availablePartitions);
      this.producedBytes = 0;
    }
    return this.current;
  }

  /**
   * A record of `recordBytes` was appended to `partition`; switches the sticky partition once
   * `batchSize` bytes went to it. Appends to another partition (a keyed record, a stale choice) do
   * not count.
   */
  onAppend(partition: number, recordBytes: number, batchSize: number): void {
    if (partition !== this.current) return;
    this.producedBytes += recordBytes;
    if (this.producedBytes >= batchSize) {
      // The next partition() call chooses; it knows the partitions available then.
      this.previous = this.current;
      this.current = -1;
      this.producedBytes = 0;
    }
  }

  /** Uniform among available partitions (else all), excluding `previous` when there is a choice. */
  private nextPartition(numPartitions: number, available: readonly number[] | undefined): number {
    const useAvailable = available !== undefined && available.length > 0;
    const count = useAvailable ? available.length : numPartitions;
    // Index of the partition to avoid among the candidates, or -1.
    let avoid = -1;
    if (this.previous >= 0 && count > 1) {
      avoid = useAvailable ? available.indexOf(this.previous) : this.previous < numPartitions ? this.previous : -1;
    }
    let index: number;
    if (avoid >= 0) {
      // Uniform over the count-1 others: draw among them, then skip over the avoided slot.
      index = this.draw(count - 1);
      if (index >= avoid) index++;
    } else {
      index = this.draw(count);
    }
    this.previous = -1;
    return useAvailable ? available[index] : index;
  }

  /** An integer uniform in [0, n). */
  private draw(n: number): number {
    const i = Math.floor(this.random() * n);
    // Guard against a random source that returns 1 (or more).
    return i < n ? i : n - 1;
  }
}
