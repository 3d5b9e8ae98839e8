import type { Logger } from 'pino';
import type { Cluster } from '../cluster/Cluster';
import { canDrain, type PartitionQueue } from './PartitionQueue';
import { sequencesReady } from './sequenceReset';
import type { IdempotenceManager } from '../idempotence/IdempotenceManager';
import type { Transactions } from '../transactions/Transactions';

/** Java's ReadyCheckResult: what one sender pass may write, and when to look again. */
export interface ReadyCheckResult {
  /** Partitions whose head batch may be written now, by the node id of their leader. */
  readyNodes: Map<number, PartitionQueue[]>;
  /** The earliest time a partition backing off becomes sendable (or the bound given, if earlier). */
  nextWakeMs: number;
  /** A partition with batches has no known leader: the metadata needs a refresh. */
  unknownLeader: boolean;
}

/** What ready() consults besides the queues; fixed for a sender, so built once. */
export interface ReadyContext {
  readonly cluster: Pick<Cluster, 'leaderFor'>;
  readonly maxInFlight: number;
  /** Idempotence (sequences, KIP-360 resets), or null for a plain producer. */
  readonly idempotence: IdempotenceManager | null;
  /** The transactional producer's state (a partition goes only once in the transaction), or null. */
  readonly transactions: Pick<Transactions, 'isPartitionAdded'> | null;
  readonly logger: Logger;
  /** Wakes the sender (asked by a sequence reset that needs a new producer id). */
  readonly wakeup: () => void;
}

/**
 * The ready half of a sender pass (Java's RecordAccumulator.ready): the partitions whose head
 * batch may go now — not backing off, in order (canDrain), sequences ready (KIP-360), in the
 * transaction (a transactional producer's partition is queued for AddPartitionsToTxn instead),
 * leader known and not moved under batches still in flight — grouped by leader.
 */
export function ready(
  queues: Iterable<PartitionQueue>,
  nowMs: number,
  nextWakeMs: number,
  ctx: ReadyContext,
): ReadyCheckResult {
  const { idempotence, transactions } = ctx;
  const readyNodes = new Map<number, PartitionQueue[]>();
  let unknownLeader = false;
  for (const queue of queues) {
    if (queue.batches.length === 0) continue;
    const head = queue.batches[0];
    if (head.retryAfterMs > nowMs) {
      if (head.retryAfterMs < nextWakeMs) nextWakeMs = head.retryAfterMs;
      continue;
    }
    if (!canDrain(queue, nowMs, ctx.maxInFlight)) continue;
    if (idempotence !== null && !sequencesReady(queue, idempotence, ctx.logger, ctx.wakeup)) continue;
    // A partition's first batch of a transaction waits for AddPartitionsToTxn (sent after this pass).
    if (transactions !== null && !transactions.isPartitionAdded(queue.topic, queue.partition, queue.tpKey)) continue;
    const leader = ctx.cluster.leaderFor(queue.topic, queue.partition);
    if (leader === undefined) {
      unknownLeader = true;
      continue;
    }
    // The leader moved while batches are in flight to the old one: let them settle first.
    if (queue.inFlight.length > 0 && leader.nodeId !== queue.inFlightNodeId) continue;
    let list = readyNodes.get(leader.nodeId);
    if (list === undefined) readyNodes.set(leader.nodeId, (list = []));
    list.push(queue);
  }
  return { readyNodes, nextWakeMs, unknownLeader };
}
