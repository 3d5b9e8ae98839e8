import type { ProducerBatch } from '../accumulator/ProducerBatch';
import type { IdempotenceManager } from '../idempotence/IdempotenceManager';
import { canDrain, type PartitionQueue } from './PartitionQueue';
import type { PartitionQueues } from './PartitionQueues';
import { mustWaitForFirstAck, mustWaitForOldEpoch } from './sequenceReset';

/** Produce requests outstanding to one broker (backpressure point 2). */
export interface NodeState {
  readonly nodeId: number;
  /** Requests written and not answered; invariant: <= maxInFlight. */
  inFlight: number;
  /** A connect is under way (drain skips the node meanwhile). */
  connecting: boolean;
  /** Round-robin start among the node's partitions, so none starves under maxRequestSize. */
  drainIndex: number;
}

/**
 * One Produce request's batches and, index for index, the queue each came from: the response
 * settles and completes them without looking their partition up again.
 */
export interface InFlightProduce {
  readonly node: NodeState;
  readonly batches: ProducerBatch[];
  readonly queues: PartitionQueue[];
}

/** What a drain consults besides the queues; fixed for a sender, so built once. */
export interface DrainContext {
  readonly maxInFlight: number;
  readonly maxRequestSize: number;
  /** Stamps a batch's producer id, epoch and sequence on its first drain; null for a plain producer. */
  readonly idempotence: IdempotenceManager | null;
  /** The batches are marked transactional (a transactional producer). */
  readonly transactional: boolean;
}

/**
 * Takes the next Produce request for a broker from its ready partitions (Java's
 * RecordAccumulator.drainBatchesForOneNode): at most one batch per partition, up to
 * `maxRequestSize` bytes (the first always fits), starting one partition further each time so
 * that none starves. A batch on its first drain gets its drain order and, with idempotence, its
 * sequence; every batch taken counts an attempt and moves to its queue's in-flight list. Null
 * when no partition may send now.
 */
export function drainNode(node: NodeState, ready: PartitionQueue[], nowMs: number, ctx: DrainContext, queues: PartitionQueues): InFlightProduce | null {
  const idempotence = ctx.idempotence;
  let request: InFlightProduce | null = null;
  let sizeBytes = 0;
  const n = ready.length;
  const start = node.drainIndex % n;
  for (let k = 0; k < n; k++) {
    const queue = ready[(start + k) % n];
    if (!canDrain(queue, nowMs, ctx.maxInFlight)) continue;
    if (idempotence !== null && (mustWaitForOldEpoch(queue, idempotence) || mustWaitForFirstAck(queue))) continue;
    const batch = queue.batches[0];
    if (request !== null && sizeBytes + batch.sizeInBytes > ctx.maxRequestSize) break;
    queue.batches.shift();
    if (queue.batches.length === 0) queues.markDrained(queue);
    queue.inFlight.push(batch);
    queue.inFlightNodeId = node.nodeId;
    if (batch.drainOrder < 0) batch.drainOrder = queue.nextDrainOrder++;
    // First drain: a sequence now, in queue order, which is drain order. A retry keeps its own
    // id, epoch and sequence, so that the broker can tell it from a new batch.
    if (idempotence !== null && batch.baseSequence < 0) {
      batch.setProducerState(idempotence.producerId, idempotence.producerEpoch, idempotence.assignSequence(queue.sequences, batch.recordCount), ctx.transactional);
    }
    batch.attempts++;
    sizeBytes += batch.sizeInBytes;
    if (request === null) request = { node, batches: [], queues: [] };
    request.batches.push(batch);
    request.queues.push(queue);
  }
  node.drainIndex = (start + 1) % Math.max(1, n);
  return request;
}
