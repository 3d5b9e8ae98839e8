'use strict';
// The per-record ack path: AckStage takes a batch (next), the broker's answer completes it, and
// the stage emits one Ack per record (offset = baseOffset + i as a BigInt, timestamp, meta) to
// its subscriber. A full 16 KiB batch of 100 B records, acknowledged again and again: the one
// reach into internals is setting the batch's private state back from done to sealed, so that
// the same batch can complete once more.
const { Subscriber } = require('rxjs');
const { fullBatch } = require('../fixtures');

const ackCase = {
  name: 'ack/per-record',
  unit: 'record',
  guards: 'AckStage.next + ProducerBatch.complete: one Ack object per record of a full batch, to a Subscriber',
  setup(internals) {
    const { AckStage } = internals.load('pipeline/AckStage');
    const batch = fullBatch(internals, 'events', 0, 100);
    const host = { batches: { enqueue() {}, release() {}, discard() {}, split() {} } };
    // The last ack is kept, as a user's code keeps what it reads: otherwise the JIT may inline the
    // whole path and never allocate the acks at all.
    let last = null;
    const subscriber = new Subscriber({
      next: (ack) => {
        last = ack;
      },
    });
    const stage = new AckStage(host, subscriber, false, () => {});
    return {
      opsPerIteration: batch.recordCount,
      run(n) {
        for (let i = 0; i < n; i++) {
          batch.lifecycle = 'sealed';
          stage.next(batch);
          batch.complete(1_000_000n, -1);
        }
        return Number(last.offset);
      },
    };
  },
};

module.exports = [ackCase];
