import type { ProducerBatch } from '../accumulator/ProducerBatch';
import { newPartitionSequences, type PartitionSequences } from '../idempotence/PartitionSequences';

/** The closed batches of one partition waiting to be sent, and those of its batches in flight. */
export interface PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  /** `topic\0partition`, built once when the queue is made (the transaction's partition set is keyed so). */
  readonly tpKey: string;
  /** Unsent batches; invariant: in sequence order (a retried batch goes back before later ones). */
  readonly batches: ProducerBatch[];
  /**
   * Batches of this partition written and awaiting a response, in drain order; invariant: at most
   * maxInFlight, and when the first is a retry (attempts > 1) it is the only one.
   */
  readonly inFlight: ProducerBatch[];
  /**
   * The node the in-flight batches went to (meaningless while none is in flight): a partition has
   * batches in flight to one broker at a time, so that after a leader change a later batch cannot
   * reach the new leader before an earlier one still on its way to the old leader has failed.
   */
  inFlightNodeId: number;
  /** Next drainOrder to give a batch of this partition on its first drain. */
  nextDrainOrder: number;
  /** Idempotence: the id/epoch and next sequence of this partition (unused without idempotence). */
  readonly sequences: PartitionSequences;
}

/** An empty queue for the partition; `tpKey` is its `topic\0partition`. */
export function newPartitionQueue(topic: string, partition: number, tpKey: string): PartitionQueue {
  return { topic, partition, tpKey, batches: [], inFlight: [], inFlightNodeId: -1, nextDrainOrder: 0, sequences: newPartitionSequences() };
}

/**
 * Whether the partition's head batch may be written now (leader aside): below the in-flight
 * bound, not backing off, and in order — a retried batch goes alone, once everything before it
 * has settled, and nothing else of the partition is written until it has settled in turn, so
 * that it cannot land after a later batch (Java's "reduce in-flight to 1" while retrying).
 */
export function canDrain(queue: PartitionQueue, nowMs: number, maxInFlight: number): boolean {
  if (queue.batches.length === 0) return false;
  const inFlight = queue.inFlight.length;
  if (inFlight >= maxInFlight) return false;
  const head = queue.batches[0];
  if (head.retryAfterMs > nowMs) return false;
  return inFlight === 0 || (head.attempts === 0 && queue.inFlight[0].attempts === 1);
}

/**
 * Puts a batch back in its queue in drain order (Java's insertInSequenceOrder): before every
 * batch drained after it and every batch never drained.
 */
export function reenqueue(queue: PartitionQueue, batch: ProducerBatch): void {
  queue.batches.splice(placeOf(queue.batches, batch.drainOrder), 0, batch);
}

/** Where a batch drained `drainOrder`-th goes back: after the queued batches drained before it. */
function placeOf(list: ProducerBatch[], drainOrder: number): number {
  let i = 0;
  while (i < list.length && list[i].drainOrder >= 0 && list[i].drainOrder < drainOrder) i++;
  return i;
}

/** True when a batch of the same partition drained before this one is still queued or in flight. */
export function hasEarlierUnsettled(queue: PartitionQueue, batch: ProducerBatch): boolean {
  for (let i = 0; i < queue.batches.length; i++) {
    const b = queue.batches[i];
    if (b.drainOrder >= 0 && b.drainOrder < batch.drainOrder) return true;
  }
  for (let i = 0; i < queue.inFlight.length; i++) {
    if (queue.inFlight[i].drainOrder < batch.drainOrder) return true;
  }
  return false;
}

/**
 * Puts the parts of a split batch (splitBatch.ts) back in its place, in order: where the batch
 * would go back by `reenqueue`, ahead of every batch drained after it and every batch never
 * drained, so they keep the batch's place in the partition's order (with idempotence, its
 * sequence range). The parts take the batch's drainOrder and the next ones; every batch of the
 * partition drained after it, queued or in flight, moves up by as many, so that drain order stays
 * a total order without gaps (`reenqueue` and `hasEarlierUnsettled` compare it).
 */
export function requeueSplit(queue: PartitionQueue, batch: ProducerBatch, parts: ProducerBatch[]): void {
  const order = batch.drainOrder;
  const shift = parts.length - 1;
  for (let i = 0; i < queue.batches.length; i++) if (queue.batches[i].drainOrder > order) queue.batches[i].drainOrder += shift;
  for (let i = 0; i < queue.inFlight.length; i++) if (queue.inFlight[i].drainOrder > order) queue.inFlight[i].drainOrder += shift;
  queue.nextDrainOrder += shift;
  for (let i = 0; i < parts.length; i++) parts[i].drainOrder = order + i;
  queue.batches.splice(placeOf(queue.batches, order), 0, ...parts);
}
