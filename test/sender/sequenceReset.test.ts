import { VirtualTimeScheduler } from 'rxjs';
import { IdempotenceManager } from '../../src/idempotence/IdempotenceManager';
import { ExponentialBackoff } from '../../src/network/Backoff';
import { ErrorCode } from '../../src/protocol/errorCodes';
import { newPartitionQueue, type PartitionQueue } from '../../src/sender/PartitionQueue';
import { confirmSequence, mustWaitForFirstAck, mustWaitForOldEpoch, onProducerStateError, sequencesReady } from '../../src/sender/sequenceReset';
import type { ProducerBatch } from '../../src/accumulator/ProducerBatch';
import { batch, silent } from '../support/senderFakes';

/** Idempotence holding producer id `id` at `epoch` (as after InitProducerId); no broker is asked. */
function idempotenceAt(id: bigint, epoch: number): IdempotenceManager {
  const scheduler = new VirtualTimeScheduler();
  const m = new IdempotenceManager({} as never, new ExponentialBackoff(100, 1000, 2, 0.2, () => 0.5), 1000, silent, scheduler);
  m.producerId = id;
  m.producerEpoch = epoch;
  return m;
}

function queue(): PartitionQueue {
  return newPartitionQueue('t', 0, 't\u00000');
}

/** A batch of `records` records, stamped with the partition's next sequence under the producer's current id/epoch. */
function stamped(q: PartitionQueue, idempotence: IdempotenceManager, records = 1, drainOrder = q.nextDrainOrder++): ProducerBatch {
  const x = batch(0, 0, Array.from({ length: records }, (_, i) => `r${i}`));
  x.setProducerState(idempotence.producerId, idempotence.producerEpoch, idempotence.assignSequence(q.sequences, records), false);
  x.drainOrder = drainOrder;
  x.attempts = 1;
  return x;
}

describe('sequenceReset', () => {
  describe('mustWaitForFirstAck', () => {
    it('lets one batch of a partition be in flight until the broker acked one under the current id and epoch', () => {
      const idempotence = idempotenceAt(7n, 0);
      const q = queue();
      const first = stamped(q, idempotence);
      q.batches.push(batch(0));
      expect(mustWaitForFirstAck(q)).toBe(false);
      q.inFlight.push(first);
      expect(mustWaitForFirstAck(q)).toBe(true);
      confirmSequence(q, first);
      expect(mustWaitForFirstAck(q)).toBe(false);
    });
  });

  describe('confirmSequence', () => {
    it('confirms only an ack of a batch stamped under the partition’s current id and epoch', () => {
      const idempotence = idempotenceAt(7n, 0);
      const q = queue();
      const old = stamped(q, idempotence);
      confirmSequence(q, batch(0)); // never stamped (a plain batch)
      expect(q.sequences.confirmed).toBe(false);
      // The partition moved on to epoch 1: an ack of the epoch-0 batch says nothing of epoch 1.
      idempotence.bumpEpoch();
      stamped(q, idempotence);
      confirmSequence(q, old);
      expect(q.sequences.confirmed).toBe(false);
      const current = stamped(q, idempotence);
      confirmSequence(q, current);
      expect(q.sequences.confirmed).toBe(true);
    });
  });

  describe('mustWaitForOldEpoch', () => {
    it('holds a new batch back while batches stamped under an older epoch are in flight', () => {
      const idempotence = idempotenceAt(7n, 0);
      const q = queue();
      q.inFlight.push(stamped(q, idempotence));
      q.batches.push(batch(0));
      expect(mustWaitForOldEpoch(q, idempotence)).toBe(false); // same epoch: it follows in sequence
      idempotence.bumpEpoch();
      expect(mustWaitForOldEpoch(q, idempotence)).toBe(true);
      q.inFlight.length = 0;
      expect(mustWaitForOldEpoch(q, idempotence)).toBe(false); // settled: it may restart at 0
    });

    it('lets a retry of an old-epoch batch go: it keeps its sequence so that the broker can recognise it', () => {
      const idempotence = idempotenceAt(7n, 0);
      const q = queue();
      const retry = stamped(q, idempotence);
      q.inFlight.push(stamped(q, idempotence));
      idempotence.bumpEpoch();
      q.batches.push(retry);
      expect(mustWaitForOldEpoch(q, idempotence)).toBe(false);
    });
  });

  describe('onProducerStateError', () => {
    it('OUT_OF_ORDER_SEQUENCE_NUMBER behind an unsettled earlier batch: retried, no reset', () => {
      const idempotence = idempotenceAt(7n, 0);
      const q = queue();
      const earlier = stamped(q, idempotence);
      const refused = stamped(q, idempotence);
      q.batches.push(earlier); // back in the queue for a retry
      expect(onProducerStateError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, q, refused, idempotence)).toBe(true);
      expect(q.sequences.resetNeeded).toBe(false);
    });

    it('OUT_OF_ORDER_SEQUENCE_NUMBER or UNKNOWN_PRODUCER_ID with nothing earlier unsettled: the partition’s sequences reset', () => {
      for (const code of [ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, ErrorCode.UNKNOWN_PRODUCER_ID]) {
        const idempotence = idempotenceAt(7n, 0);
        const q = queue();
        const refused = stamped(q, idempotence);
        expect(onProducerStateError(code, q, refused, idempotence)).toBe(true);
        expect(q.sequences.resetNeeded).toBe(true);
        expect(idempotence.hasProducerId).toBe(true);
      }
    });

    it('INVALID_PRODUCER_EPOCH: fenced, a new producer id is needed and the partition resets', () => {
      const idempotence = idempotenceAt(7n, 0);
      const q = queue();
      const refused = stamped(q, idempotence);
      expect(onProducerStateError(ErrorCode.INVALID_PRODUCER_EPOCH, q, refused, idempotence)).toBe(true);
      expect([idempotence.newProducerIdNeeded, idempotence.hasProducerId, q.sequences.resetNeeded]).toEqual([true, false, true]);
    });

    it('any other error is not a producer-state error: nothing changes', () => {
      const idempotence = idempotenceAt(7n, 0);
      const q = queue();
      const refused = stamped(q, idempotence);
      expect(onProducerStateError(ErrorCode.NOT_LEADER_OR_FOLLOWER, q, refused, idempotence)).toBe(false);
      expect([idempotence.newProducerIdNeeded, q.sequences.resetNeeded]).toEqual([false, false]);
    });
  });

  describe('sequencesReady', () => {
    it('a reset waits for the batches in flight, then bumps the epoch and restamps the queued sequenced batches from 0', () => {
      const idempotence = idempotenceAt(7n, 3);
      const q = queue();
      const a = stamped(q, idempotence, 2);
      const b = stamped(q, idempotence, 3);
      const flying = stamped(q, idempotence);
      q.batches.push(a, b, batch(0));
      q.inFlight.push(flying);
      q.sequences.resetNeeded = true;
      let wakeups = 0;
      expect(sequencesReady(q, idempotence, silent, () => wakeups++)).toBe(false);
      expect(idempotence.producerEpoch).toBe(3);
      q.inFlight.length = 0;
      expect(sequencesReady(q, idempotence, silent, () => wakeups++)).toBe(true);
      expect([idempotence.producerEpoch, idempotence.epochBumps, q.sequences.resetNeeded]).toEqual([4, 1, false]);
      expect([a.producerEpoch, a.baseSequence, b.producerEpoch, b.baseSequence]).toEqual([4, 0, 4, 2]);
      expect(q.batches[2].baseSequence).toBe(-1); // never drained: stamped at its first drain
      expect(q.sequences.nextSequence).toBe(5);
      expect(wakeups).toBe(0);
    });

    it('a partition already stale (the epoch was bumped for another) restarts under the current epoch without another bump', () => {
      const idempotence = idempotenceAt(7n, 0);
      const q = queue();
      const a = stamped(q, idempotence);
      idempotence.bumpEpoch();
      q.batches.push(a);
      q.sequences.resetNeeded = true;
      expect(sequencesReady(q, idempotence, silent, () => undefined)).toBe(true);
      expect([idempotence.producerEpoch, idempotence.epochBumps, a.producerEpoch, a.baseSequence]).toEqual([1, 1, 1, 0]);
    });

    it('at the last epoch a reset needs a new producer id: the sender is woken to ask for it and the partition waits', () => {
      const idempotence = idempotenceAt(7n, 0x7fff);
      const q = queue();
      q.batches.push(stamped(q, idempotence));
      q.sequences.resetNeeded = true;
      let wakeups = 0;
      expect(sequencesReady(q, idempotence, silent, () => wakeups++)).toBe(false);
      expect([wakeups, idempotence.newProducerIdNeeded, q.sequences.resetNeeded]).toEqual([1, true, true]);
    });
  });
});
