import type { Logger } from 'pino';
import { ErrorCode } from '../protocol/errorCodes';
import { hasEarlierUnsettled, PartitionQueue } from './PartitionQueue';
import type { ProducerBatch } from '../accumulator/ProducerBatch';
import type { IdempotenceManager } from '../idempotence/IdempotenceManager';

/**
 * Whether a partition's batches may be stamped and sent, as far as idempotence goes (KIP-360).
 *
 * A partition whose sequences need a reset (`resetNeeded`: a sequenced batch was lost, or the
 * broker refused our sequence) waits until none of its batches is in flight, then restarts at
 * sequence 0: under a bumped epoch if it was running under the current one, else under the
 * current one, which is already newer than anything the broker has of it. Its queued batches that
 * had sequences are restamped in queue order, which is drain order.
 *
 * `wakeup` is called when the epoch is exhausted: the sender's next pass asks for a new producer id.
 */
export function sequencesReady(queue: PartitionQueue, idempotence: IdempotenceManager, logger: Logger, wakeup: () => void): boolean {
  const entry = queue.sequences;
  if (entry.resetNeeded) {
    if (queue.inFlight.length > 0) return false;
    if (!idempotence.isStale(entry)) {
      idempotence.bumpEpoch();
      if (!idempotence.hasProducerId) {
        wakeup();
        return false;
      }
    }
    entry.resetNeeded = false;
    // The batches already sequenced come first in the queue (retries go back before new ones).
    const list = queue.batches;
    for (let i = 0; i < list.length && list[i].baseSequence >= 0; i++) {
      list[i].setProducerState(idempotence.producerId, idempotence.producerEpoch, idempotence.assignSequence(entry, list[i].recordCount), false);
    }
    logger.debug({ topic: queue.topic, partition: queue.partition, epoch: idempotence.producerEpoch }, 'partition sequences restarted at 0');
  }
  return !mustWaitForOldEpoch(queue, idempotence) && !mustWaitForFirstAck(queue);
}

/**
 * Until the broker has acknowledged a batch of the partition under the partition's current
 * producer id and epoch, one batch of it is in flight at a time. A Kafka broker with no state for
 * our producer id on a partition appends a batch whatever its sequence (its sequence check only
 * applies once it knows an epoch of the producer there), so a batch written behind a first batch
 * that the broker then refuses — MESSAGE_TOO_LARGE (the batch is split), a retriable error —
 * would be appended ahead of it, and the refused records could only follow under a bumped epoch:
 * out of order (seen on Kafka 4.4 with every first batch refused as too large). Once one batch is
 * acked, the broker refuses any sequence that does not follow, and up to maxInFlight may go.
 */
export function mustWaitForFirstAck(queue: PartitionQueue): boolean {
  return queue.inFlight.length > 0 && !queue.sequences.confirmed;
}

/** The broker acked `batch`: if it carries the partition's current id and epoch, the broker knows our producer there. */
export function confirmSequence(queue: PartitionQueue, batch: ProducerBatch): void {
  const entry = queue.sequences;
  if (batch.baseSequence >= 0 && batch.producerId === entry.producerId && batch.producerEpoch === entry.producerEpoch) entry.confirmed = true;
}

/**
 * A new batch of a partition still running under an older id/epoch must wait until the batches
 * in flight under it have settled: the new one starts at sequence 0 under the current epoch, and
 * once the broker has that, it refuses the old epoch (Java's shouldStopDrainBatchesForPartition).
 */
export function mustWaitForOldEpoch(queue: PartitionQueue, idempotence: IdempotenceManager): boolean {
  return queue.inFlight.length > 0 && queue.batches[0].baseSequence < 0 && idempotence.isStale(queue.sequences);
}

/**
 * What KIP-360 does with a producer-state error on a batch's response; true when it is one (the
 * batch is then retried, whatever the error's own retriability). The broker appended nothing:
 *  - OUT_OF_ORDER_SEQUENCE_NUMBER / UNKNOWN_PRODUCER_ID: if an earlier batch of the partition is
 *    still unsettled, this one simply follows it again. Otherwise there is a real gap (an earlier
 *    batch was lost) or the broker lost our state: the partition restarts at sequence 0 under a
 *    bumped epoch, as Java's idempotent producer does.
 *  - INVALID_PRODUCER_EPOCH: the broker has a newer epoch of our id on this partition (fenced):
 *    the partition restarts under a new producer id.
 */
export function onProducerStateError(code: number, queue: PartitionQueue, batch: ProducerBatch, idempotence: IdempotenceManager): boolean {
  if (code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER || code === ErrorCode.UNKNOWN_PRODUCER_ID) {
    if (!hasEarlierUnsettled(queue, batch)) queue.sequences.resetNeeded = true;
    return true;
  }
  if (code === ErrorCode.INVALID_PRODUCER_EPOCH) {
    idempotence.requestNewProducerId(`INVALID_PRODUCER_EPOCH on ${batch.topic}-${batch.partition}`);
    queue.sequences.resetNeeded = true;
    return true;
  }
  return false;
}
