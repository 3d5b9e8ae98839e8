import type { ProducerBatch } from '../accumulator/ProducerBatch';
import { newPartitionQueue, type PartitionQueue } from './PartitionQueue';

/** How a batch taken out of its queue ends; the sender's own failBatch, or a bare `batch.fail`. */
export type FailBatch = (batch: ProducerBatch, queue: PartitionQueue, error: Error) => void;

/**
 * Every partition's queue of the sender (the drain side of Java's RecordAccumulator, its map of
 * per-partition deques), found by topic then partition without building a key string, and the
 * partitions whose queue emptied during the current pass (told to the producer after it).
 *
 * Queues are made on a partition's first batch and never removed: a batch in flight keeps its
 * queue, and the response finds it through the in-flight request (InFlightProduce) rather than by
 * looking it up again.
 */
export class PartitionQueues {
  /** Every queue, in creation order: the order of a pass (ready, expiry) over the partitions. */
  readonly all: PartitionQueue[] = [];
  /** The same queues by topic, then partition (arrays indexed by partition, as the accumulator's). */
  private readonly byTopic = new Map<string, Array<PartitionQueue | undefined>>();
  /**
   * Queues whose last unsent batch left during this pass (drained, expired or failed); emptied by
   * takeDrained() at the end of the pass. A queue may be listed twice: the reader checks it is
   * still empty.
   */
  private drained: PartitionQueue[] = [];

  /** The partition's queue, if it ever had a batch. */
  get(topic: string, partition: number): PartitionQueue | undefined {
    return this.byTopic.get(topic)?.[partition];
  }

  /** The partition's queue, made on its first batch. */
  queueFor(topic: string, partition: number): PartitionQueue {
    let byPartition = this.byTopic.get(topic);
    if (byPartition === undefined) this.byTopic.set(topic, (byPartition = []));
    let queue = byPartition[partition];
    if (queue === undefined) {
      // The one place the key is built: once per partition, for the transaction's partition set.
      queue = newPartitionQueue(topic, partition, topic + '\0' + partition);
      byPartition[partition] = queue;
      this.all.push(queue);
    }
    return queue;
  }

  /** Unsent batches, over every partition. */
  get unsentCount(): number {
    let n = 0;
    for (let i = 0; i < this.all.length; i++) n += this.all[i].batches.length;
    return n;
  }

  /** The queue's last unsent batch has just left it. */
  markDrained(queue: PartitionQueue): void {
    this.drained.push(queue);
  }

  /** The queues marked drained since the last call. */
  takeDrained(): PartitionQueue[] {
    const drained = this.drained;
    if (drained.length > 0) this.drained = [];
    return drained;
  }

  /**
   * Takes every unsent batch out of `queues` and ends each through `fail` with `error` (Java's
   * abortBatches, for one reason or another); a queue so emptied is marked drained. In-flight
   * batches are left to settle on their own.
   */
  failUnsent(queues: readonly PartitionQueue[], error: Error, fail: FailBatch): void {
    for (let i = 0; i < queues.length; i++) {
      const queue = queues[i];
      if (queue.batches.length === 0) continue;
      const batches = queue.batches.splice(0);
      this.drained.push(queue);
      for (let j = 0; j < batches.length; j++) fail(batches[j], queue, error);
    }
  }
}
