import { canDrain, hasEarlierUnsettled, newPartitionQueue, reenqueue, requeueSplit, type PartitionQueue } from '../../src/sender/PartitionQueue';
import type { ProducerBatch } from '../../src/accumulator/ProducerBatch';
import { batch } from '../support/senderFakes';

function queue(): PartitionQueue {
  return newPartitionQueue('t', 0, 't\u00000');
}

/** A batch of partition 0 holding `value`, drained `drainOrder`-th (-1: never drained) after `attempts` sends. */
function b(value: string, drainOrder = -1, attempts = drainOrder < 0 ? 0 : 1): ProducerBatch {
  const x = batch(0, 0, [value]);
  x.drainOrder = drainOrder;
  x.attempts = attempts;
  return x;
}

const names = (list: ProducerBatch[]) => list.map((x) => `${x.metas[0]}@${x.drainOrder}`);

describe('PartitionQueue', () => {
  describe('canDrain', () => {
    it('is false for an empty queue and true for a new head batch with nothing in flight', () => {
      const q = queue();
      expect(canDrain(q, 0, 5)).toBe(false);
      q.batches.push(b('a'));
      expect(canDrain(q, 0, 5)).toBe(true);
    });

    it('holds a new batch back at the in-flight bound', () => {
      const q = queue();
      q.inFlight.push(b('a', 0), b('b', 1));
      q.batches.push(b('c'));
      expect(canDrain(q, 0, 2)).toBe(false);
      expect(canDrain(q, 0, 3)).toBe(true);
    });

    it('holds a retried batch back until its backoff ends', () => {
      const q = queue();
      const retry = b('a', 0, 1);
      retry.retryAfterMs = 300;
      q.batches.push(retry);
      expect(canDrain(q, 299, 5)).toBe(false);
      expect(canDrain(q, 300, 5)).toBe(true);
    });

    it('sends a retried batch alone: not behind batches in flight, and nothing behind it while it is in flight', () => {
      const q = queue();
      q.inFlight.push(b('later', 1));
      q.batches.push(b('retry', 0, 1));
      expect(canDrain(q, 0, 5)).toBe(false);

      const r = queue();
      r.inFlight.push(b('retry', 0, 2));
      r.batches.push(b('new'));
      expect(canDrain(r, 0, 5)).toBe(false);
      // Behind a first attempt, new batches are pipelined.
      r.inFlight[0].attempts = 1;
      expect(canDrain(r, 0, 5)).toBe(true);
    });
  });

  describe('reenqueue', () => {
    it('puts a batch back before the batches drained after it and those never drained, after those drained before it', () => {
      const q = queue();
      q.batches.push(b('d1', 1), b('d3', 3), b('new'));
      reenqueue(q, b('d2', 2));
      expect(names(q.batches)).toEqual(['d1@1', 'd2@2', 'd3@3', 'new@-1']);
      reenqueue(q, b('d0', 0));
      expect(names(q.batches)[0]).toBe('d0@0');
      reenqueue(q, b('d4', 4));
      expect(names(q.batches)).toEqual(['d0@0', 'd1@1', 'd2@2', 'd3@3', 'd4@4', 'new@-1']);
    });
  });

  describe('hasEarlierUnsettled', () => {
    it('sees a batch drained before this one, queued again or still in flight; not later or never-drained ones', () => {
      const q = queue();
      const mine = b('mine', 2);
      q.batches.push(b('new'));
      q.inFlight.push(b('later', 3));
      expect(hasEarlierUnsettled(q, mine)).toBe(false);
      q.inFlight.push(b('earlier', 1));
      expect(hasEarlierUnsettled(q, mine)).toBe(true);
      q.inFlight.pop();
      q.batches.unshift(b('retry', 0, 1));
      expect(hasEarlierUnsettled(q, mine)).toBe(true);
    });
  });

  describe('requeueSplit', () => {
    it("puts the parts in the split batch's place and shifts every later drain order by the parts added, queued or in flight", () => {
      const q = queue();
      const big = b('big', 1);
      q.nextDrainOrder = 4;
      q.batches.push(b('queued', 2, 1), b('new'));
      q.inFlight.push(b('first', 0), b('flying', 3));
      const parts = [b('p1'), b('p2'), b('p3')];
      requeueSplit(q, big, parts);
      expect(names(q.batches)).toEqual(['p1@1', 'p2@2', 'p3@3', 'queued@4', 'new@-1']);
      expect(names(q.inFlight)).toEqual(['first@0', 'flying@5']);
      expect(q.nextDrainOrder).toBe(6);
      // Drain order stays a total order: a retry of 'flying' goes back after the parts and 'queued'.
      reenqueue(q, q.inFlight.pop()!);
      expect(names(q.batches)).toEqual(['p1@1', 'p2@2', 'p3@3', 'queued@4', 'flying@5', 'new@-1']);
    });
  });
});
