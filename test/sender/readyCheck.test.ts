import { VirtualTimeScheduler } from 'rxjs';
import { IdempotenceManager } from '../../src/idempotence/IdempotenceManager';
import { ExponentialBackoff } from '../../src/network/Backoff';
import { newPartitionQueue, type PartitionQueue } from '../../src/sender/PartitionQueue';
import { ready, type ReadyContext } from '../../src/sender/readyCheck';
import { batch, silent } from '../support/senderFakes';

/** Leaders by partition of topic 't' (absent: unknown). */
function context(leaders: Record<number, number>, more: Partial<ReadyContext> = {}): ReadyContext {
  const cluster = {
    leaderFor: (_topic: string, partition: number) => (leaders[partition] === undefined ? undefined : { nodeId: leaders[partition], host: 'h', port: 1, rack: null }),
  };
  return { cluster, maxInFlight: 5, idempotence: null, transactions: null, logger: silent, wakeup: () => undefined, ...more };
}

/** Partition `p`'s queue with `n` new batches. */
function queue(p: number, n = 1): PartitionQueue {
  const q = newPartitionQueue('t', p, `t\u0000${p}`);
  for (let i = 0; i < n; i++) q.batches.push(batch(p));
  return q;
}

const partitionsByNode = (readyNodes: Map<number, PartitionQueue[]>) =>
  Object.fromEntries([...readyNodes].map(([node, queues]) => [node, queues.map((q) => q.partition)]));

describe('readyCheck: ready()', () => {
  it('groups the partitions with a sendable head batch by their leader, skipping empty queues', () => {
    const queues = [queue(0), queue(1), queue(2, 0), queue(3)];
    const check = ready(queues, 0, Infinity, context({ 0: 1, 1: 2, 2: 1, 3: 1 }));
    expect(partitionsByNode(check.readyNodes)).toEqual({ 1: [0, 3], 2: [1] });
    expect([check.unknownLeader, check.nextWakeMs]).toEqual([false, Infinity]);
  });

  it('leaves out a partition backing off and says when the earliest backoff ends (or the bound given, if earlier)', () => {
    const [a, b, c] = [queue(0), queue(1), queue(2)];
    a.batches[0].retryAfterMs = 500;
    b.batches[0].retryAfterMs = 300;
    const ctx = context({ 0: 1, 1: 1, 2: 1 });
    const check = ready([a, b, c], 100, Infinity, ctx);
    expect(partitionsByNode(check.readyNodes)).toEqual({ 1: [2] });
    expect(check.nextWakeMs).toBe(300);
    expect(ready([a, b, c], 100, 250, ctx).nextWakeMs).toBe(250);
    // At the end of its backoff a partition is ready again.
    expect(partitionsByNode(ready([a, b, c], 300, Infinity, ctx).readyNodes)).toEqual({ 1: [1, 2] });
  });

  it('a partition without a known leader is left out and asks for a metadata refresh', () => {
    const check = ready([queue(0), queue(1)], 0, Infinity, context({ 1: 2 }));
    expect(partitionsByNode(check.readyNodes)).toEqual({ 2: [1] });
    expect(check.unknownLeader).toBe(true);
  });

  it('a partition whose leader moved waits until its batches in flight to the old leader settle', () => {
    const q = queue(0);
    const flying = batch(0);
    flying.attempts = 1;
    flying.drainOrder = 0;
    q.inFlight.push(flying);
    q.inFlightNodeId = 1;
    expect(partitionsByNode(ready([q], 0, Infinity, context({ 0: 1 })).readyNodes)).toEqual({ 1: [0] });
    expect(partitionsByNode(ready([q], 0, Infinity, context({ 0: 2 })).readyNodes)).toEqual({});
    q.inFlight.length = 0;
    expect(partitionsByNode(ready([q], 0, Infinity, context({ 0: 2 })).readyNodes)).toEqual({ 2: [0] });
  });

  it('a partition at its in-flight bound is left out', () => {
    const q = queue(0);
    for (let i = 0; i < 2; i++) {
      const flying = batch(0);
      flying.attempts = 1;
      flying.drainOrder = i;
      q.inFlight.push(flying);
    }
    q.inFlightNodeId = 1;
    expect(ready([q], 0, Infinity, context({ 0: 1 }, { maxInFlight: 2 })).readyNodes.size).toBe(0);
    expect(ready([q], 0, Infinity, context({ 0: 1 }, { maxInFlight: 3 })).readyNodes.size).toBe(1);
  });

  it('transactional: a partition not yet in the transaction is left out (and so queued for AddPartitionsToTxn)', () => {
    const asked: string[] = [];
    const transactions = {
      isPartitionAdded: (topic: string, partition: number, tpKey: string) => {
        asked.push(tpKey);
        return partition === 1;
      },
    };
    const check = ready([queue(0), queue(1)], 0, Infinity, context({ 0: 1, 1: 1 }, { transactions }));
    expect(partitionsByNode(check.readyNodes)).toEqual({ 1: [1] });
    expect(asked).toEqual(['t\u00000', 't\u00001']);
  });

  it('idempotent: a partition whose first batch is in flight and not yet acked is left out', () => {
    const idempotence = new IdempotenceManager({} as never, new ExponentialBackoff(100, 1000), 1000, silent, new VirtualTimeScheduler());
    idempotence.producerId = 7n;
    idempotence.producerEpoch = 0;
    const q = queue(0);
    const first = batch(0);
    first.setProducerState(7n, 0, idempotence.assignSequence(q.sequences, 1), false);
    first.attempts = 1;
    first.drainOrder = 0;
    q.inFlight.push(first);
    q.inFlightNodeId = 1;
    const ctx = context({ 0: 1 }, { idempotence });
    expect(ready([q], 0, Infinity, ctx).readyNodes.size).toBe(0);
    q.sequences.confirmed = true; // the broker acked a batch of ours here
    expect(partitionsByNode(ready([q], 0, Infinity, ctx).readyNodes)).toEqual({ 1: [0] });
  });
});
