import { DeliveryTimeoutError } from '../errors';
import type { FailBatch, PartitionQueues } from './PartitionQueues';

/**
 * Fails the unsent batches whose delivery deadline (`createdMs + deliveryTimeoutMs`) has passed,
 * with DeliveryTimeoutError naming the last error each met; returns the next deadline of a batch
 * still queued (Infinity when none). Java's RecordAccumulator.expiredBatches + Sender.failBatch.
 *
 * A queue is in creation order (a retry goes back before the later batches), so, as Java's expiry
 * does, each queue is checked only up to its first batch still in time: a pass costs the number of
 * partitions, not of queued batches. In-flight batches are not expired here: their request timeout
 * answers for them.
 */
export function expireBatches(queues: PartitionQueues, nowMs: number, deliveryTimeoutMs: number, fail: FailBatch): number {
  let next = Infinity;
  const all = queues.all;
  for (let q = 0; q < all.length; q++) {
    const queue = all[q];
    const list = queue.batches;
    let expired = 0;
    while (expired < list.length && list[expired].createdMs + deliveryTimeoutMs <= nowMs) expired++;
    if (expired < list.length) next = Math.min(next, list[expired].createdMs + deliveryTimeoutMs);
    if (expired === 0) continue;
    const gone = list.splice(0, expired);
    if (list.length === 0) queues.markDrained(queue);
    for (let i = 0; i < gone.length; i++) {
      fail(gone[i], queue, new DeliveryTimeoutError(gone[i].topic, gone[i].partition, deliveryTimeoutMs, gone[i].lastError));
    }
  }
  return next;
}
