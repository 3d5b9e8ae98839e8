import type { ProducerBatch } from '../../src/accumulator/ProducerBatch';
import { DeliveryTimeoutError, ProducerClosedError } from '../../src/errors';
import { expireBatches } from '../../src/sender/expireBatches';
import type { PartitionQueue } from '../../src/sender/PartitionQueue';
import { PartitionQueues } from '../../src/sender/PartitionQueues';
import { batch } from '../support/senderFakes';

/** Records each failure as `value:ErrorName` and fails the batch. */
function recorder() {
  const failed: string[] = [];
  const fail = (b: ProducerBatch, q: PartitionQueue, e: Error) => {
    expect(q.partition).toBe(b.partition);
    failed.push(`${b.metas[0]}:${e.name}`);
    b.fail(e);
  };
  return { failed, fail };
}

describe('PartitionQueues', () => {
  it('makes one queue per partition on its first batch, found by topic and partition, in creation order', () => {
    const queues = new PartitionQueues();
    expect(queues.get('t', 0)).toBeUndefined();
    const t0 = queues.queueFor('t', 0);
    const u3 = queues.queueFor('u', 3);
    expect(queues.queueFor('t', 0)).toBe(t0);
    expect(queues.get('u', 3)).toBe(u3);
    expect(queues.get('u', 0)).toBeUndefined();
    expect(queues.all).toEqual([t0, u3]);
    expect([t0.tpKey, u3.tpKey]).toEqual(['t\u00000', 'u\u00003']);
  });

  it('failUnsent empties the given queues, fails each batch in order, and marks the emptied queues drained once taken', () => {
    const queues = new PartitionQueues();
    const [a, b, c] = [queues.queueFor('t', 0), queues.queueFor('t', 1), queues.queueFor('t', 2)];
    a.batches.push(batch(0, 0, ['a1']), batch(0, 0, ['a2']));
    c.batches.push(batch(2, 0, ['c1']));
    const flying = batch(0, 0, ['in-flight']);
    a.inFlight.push(flying);
    const { failed, fail } = recorder();
    queues.failUnsent([a, b, c], new ProducerClosedError(), fail);
    expect(failed).toEqual(['a1:ProducerClosedError', 'a2:ProducerClosedError', 'c1:ProducerClosedError']);
    expect([a.batches.length, c.batches.length, a.inFlight]).toEqual([0, 0, [flying]]);
    expect(queues.unsentCount).toBe(0);
    expect(queues.takeDrained()).toEqual([a, c]);
    expect(queues.takeDrained()).toEqual([]);
  });

  it('expireBatches fails each queue’s batches past deliveryTimeoutMs, up to its first in time, and returns the next deadline', () => {
    const queues = new PartitionQueues();
    const a = queues.queueFor('t', 0);
    const b = queues.queueFor('t', 1);
    a.batches.push(batch(0, 0, ['a-old']), batch(0, 400, ['a-young']));
    b.batches.push(batch(1, 100, ['b-old']));
    const { failed, fail } = recorder();
    expect(expireBatches(queues, 1100, 1000, fail)).toBe(1400);
    expect(failed).toEqual(['a-old:DeliveryTimeoutError', 'b-old:DeliveryTimeoutError']);
    expect(a.batches.map((x) => x.metas[0])).toEqual(['a-young']);
    expect(queues.takeDrained()).toEqual([b]);
    expect(expireBatches(queues, 1399, 1000, fail)).toBe(1400);
    expect(failed).toHaveLength(2);
    expect(expireBatches(queues, 1400, 1000, fail)).toBe(Infinity);
    expect(failed).toEqual(['a-old:DeliveryTimeoutError', 'b-old:DeliveryTimeoutError', 'a-young:DeliveryTimeoutError']);
  });

  it('an expired batch’s DeliveryTimeoutError names the last error it met', () => {
    const queues = new PartitionQueues();
    const q = queues.queueFor('t', 0);
    const old = batch(0, 0, ['old']);
    const cause = new Error('broker unreachable');
    old.lastError = cause;
    q.batches.push(old);
    const errors: Error[] = [];
    expireBatches(queues, 1000, 1000, (_b, _q, e) => errors.push(e));
    expect(errors[0]).toBeInstanceOf(DeliveryTimeoutError);
    expect(errors[0].message).toMatch(/last error: broker unreachable/);
  });
});
