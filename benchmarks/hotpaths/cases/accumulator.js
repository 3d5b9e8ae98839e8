'use strict';
// RecordAccumulator.append: serialized, partitioned records into their partitions' open batches
// (lookup by topic and partition, size bound, ProducerBatch.append, a new batch from the BufferPool
// when one is full). Records go round-robin over 6 partitions, as keyed traffic does. The
// stubs: a clock that never fires timers (batches leave only when full), a backlog that is
// never busy, and an emit that gives the batch's memory straight back to the pool, as the ack
// stage does once the broker answered. The 256 KiB case is a batchSize above the smallest size
// class: each batch starts in 16 KiB and moves to twice its size as records arrive (the copies
// of that growth are in its time).
const { payload, NOW_MS, BATCH_BYTES } = require('../fixtures');

const PARTITIONS = 6;

function accumulatorCase(valueBytes, batchBytes = BATCH_BYTES) {
  const growing = batchBytes !== BATCH_BYTES;
  return {
    name: `accumulator/append-${valueBytes}B${growing ? `-${batchBytes >> 10}KiB` : ''}`,
    unit: 'record',
    guards: `RecordAccumulator.append of ${valueBytes} B keyless records over ${PARTITIONS} partitions, batches handed on when full${growing ? ` at ${batchBytes >> 10} KiB, growing from 16 KiB` : ''}`,
    setup(internals) {
      const { RecordAccumulator } = internals.load('accumulator/RecordAccumulator');
      const { BufferPool } = internals.load('accumulator/BufferPool');
      const config = {
        batchSize: batchBytes,
        lingerMs: 5,
        maxRequestSize: 1 << 20,
        bufferMemory: 32 << 20,
        maxBlockMs: 60000,
        bufferPolicy: 'error',
      };
      const pool = new BufferPool(config.bufferMemory, config.batchSize);
      const scheduler = { now: () => NOW_MS, schedule: () => ({ unsubscribe() {} }) };
      const time = { scheduler, soon: scheduler, preciseNow: () => NOW_MS };
      const backlog = { add() {}, flushing: false, partitionBusy: () => false };
      let emitted = 0;
      const accumulator = new RecordAccumulator(config, pool, time, backlog, (batch) => {
        emitted++;
        pool.deallocate(batch.buffer);
      });
      const value = payload(valueBytes);
      const records = Array.from({ length: PARTITIONS }, (_, p) => ({
        topic: 'events',
        partition: p,
        key: null,
        value,
        headers: null,
        timestamp: NOW_MS,
        meta: p,
        error: null,
      }));
      return {
        run(n) {
          for (let i = 0; i < n; i++) accumulator.append(records[i % PARTITIONS]);
          return emitted;
        },
      };
    },
  };
}

module.exports = [accumulatorCase(100), accumulatorCase(1000), accumulatorCase(100, 256 << 10), accumulatorCase(1000, 256 << 10)];
