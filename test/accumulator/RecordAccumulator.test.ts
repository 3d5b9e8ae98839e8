import { VirtualTimeScheduler } from 'rxjs';
import { BufferExhaustedError, RecordDroppedError, RecordTooLargeError } from '../../src/errors';
import { RECORD_BATCH_OVERHEAD, recordSizeUpperBound } from '../../src/protocol/RecordBatch';
import { decodeRecordBatches } from '../../src/protocol/RecordBatchDecoder';
import { BufferPool } from '../../src/accumulator/BufferPool';
import { ProducerBatch } from '../../src/accumulator/ProducerBatch';
import { AccumulatorConfig, RecordAccumulator } from '../../src/accumulator/RecordAccumulator';
import { timeOn } from '../../src/time/Time';
import type { SerializedRecord } from '../../src/types';

function record(partition: number, value: string, meta?: unknown, topic = 't'): SerializedRecord {
  return { topic, partition, key: null, value: Buffer.from(value), headers: null, timestamp: 1000, meta, error: null };
}

function setup(
  overrides: Partial<AccumulatorConfig> = {},
  poolBytes = 1 << 20,
  busy: Set<number> = new Set(),
  smallestClassBytes?: number,
  /** Partitions with a batch on its way (not idle, for sendWhenIdle). */
  onItsWay: Set<number> = new Set(),
) {
  const config: AccumulatorConfig = {
    batchSize: 200,
    lingerMs: 5,
    maxRequestSize: 1 << 20,
    bufferMemory: poolBytes,
    maxBlockMs: 1000,
    bufferPolicy: 'error',
    ...overrides,
  };
  const scheduler = new VirtualTimeScheduler();
  const pool = new BufferPool(config.bufferMemory, config.batchSize, undefined, smallestClassBytes);
  const emitted: ProducerBatch[] = [];
  let backlog = 0;
  let drained = 0;
  const acc = new RecordAccumulator(
    config,
    pool,
    timeOn(scheduler),
    { add: (n) => (backlog += n), flushing: false, partitionBusy: (_topic, partition) => busy.has(partition), partitionIdle: (_topic, partition) => !onItsWay.has(partition) },
    (b) => emitted.push(b),
    () => drained++,
  );
  return { acc, scheduler, pool, emitted, backlog: () => backlog, drained: () => drained };
}

/**
 * Runs virtual time `ms` further. VirtualTimeScheduler's clock only moves when an action runs, so
 * the target time is kept here per scheduler; flush() runs every action due by then.
 */
const virtualNow = new WeakMap<VirtualTimeScheduler, number>();
function advance(scheduler: VirtualTimeScheduler, ms: number) {
  const target = (virtualNow.get(scheduler) ?? 0) + ms;
  virtualNow.set(scheduler, target);
  scheduler.maxFrames = target;
  scheduler.flush();
}

describe('RecordAccumulator', () => {
  it('keeps records of one partition in one batch until lingerMs, then emits it', () => {
    const { acc, scheduler, emitted } = setup({ lingerMs: 5 });
    acc.append(record(0, 'a', 1));
    acc.append(record(0, 'b', 2));
    acc.append(record(1, 'c', 3));
    advance(scheduler, 4);
    expect(emitted).toHaveLength(0);
    advance(scheduler, 1);
    expect(emitted.map((b) => [b.partition, b.metas])).toEqual([
      [0, [1, 2]],
      [1, [3]],
    ]);
    const decoded = decodeRecordBatches(emitted[0].records());
    expect(decoded[0].crcValid).toBe(true);
    expect(decoded[0].records.map((r) => r.value!.toString())).toEqual(['a', 'b']);
  });

  it('holds a lingered batch open while its partition is busy in the sender: it keeps taking records, and goes when the sender is ready', () => {
    const busy = new Set([0]);
    const { acc, scheduler, emitted } = setup({ lingerMs: 5 }, 1 << 20, busy);
    acc.append(record(0, 'a', 1));
    acc.append(record(1, 'b', 2));
    advance(scheduler, 5);
    // Partition 1 is free: its batch goes. Partition 0 has a batch queued unsent: its batch stays open.
    expect(emitted.map((b) => b.metas)).toEqual([[2]]);
    acc.append(record(0, 'c', 3));
    advance(scheduler, 50);
    expect(emitted).toHaveLength(1);
    acc.partitionReady('t', 1); // nothing held for partition 1: no effect
    expect(emitted).toHaveLength(1);
    busy.delete(0);
    acc.partitionReady('t', 0);
    expect(emitted.map((b) => b.metas)).toEqual([[2], [1, 3]]);
    expect(emitted[1].closed).toBe(true);
    // The next batch of partition 0 lingers normally again.
    acc.append(record(0, 'd', 4));
    advance(scheduler, 5);
    expect(emitted.map((b) => b.metas)).toEqual([[2], [1, 3], [4]]);
  });

  describe('sendWhenIdle (Nagle per partition)', () => {
    it("an idle partition's new batch goes once the tick's records are in, not after lingerMs; a partition with a batch on its way lingers", () => {
      const onItsWay = new Set([1]);
      const { acc, scheduler, emitted } = setup({ lingerMs: 50, sendWhenIdle: true }, 1 << 20, new Set(), undefined, onItsWay);
      acc.append(record(0, 'a', 1));
      acc.append(record(0, 'b', 2));
      acc.append(record(1, 'c', 3));
      expect(emitted).toHaveLength(0); // same tick: more records may join
      advance(scheduler, 0);
      expect(emitted.map((b) => [b.partition, b.metas])).toEqual([[0, [1, 2]]]);
      advance(scheduler, 49);
      expect(emitted).toHaveLength(1);
      advance(scheduler, 1);
      expect(emitted.map((b) => [b.partition, b.metas])).toEqual([[0, [1, 2]], [1, [3]]]);
    });

    it('when the last batch on its way is done, the open batch of that partition goes at once, with what it gathered meanwhile', () => {
      const onItsWay = new Set([0, 1]);
      const { acc, scheduler, emitted } = setup({ lingerMs: 50, sendWhenIdle: true }, 1 << 20, new Set(), undefined, onItsWay);
      acc.append(record(0, 'a', 1));
      acc.append(record(1, 'b', 2));
      advance(scheduler, 3);
      acc.append(record(0, 'c', 3));
      expect(emitted).toHaveLength(0);
      onItsWay.delete(0);
      acc.partitionIdled('t', 0);
      expect(emitted).toHaveLength(0); // never inside the caller's run (an ack path)
      advance(scheduler, 0);
      expect(emitted.map((b) => [b.partition, b.metas])).toEqual([[0, [1, 3]]]);
      acc.partitionIdled('t', 2); // no open batch there: nothing happens
      advance(scheduler, 0);
      expect(emitted).toHaveLength(1);
      // Partition 1 still has a batch on its way: its batch keeps lingering to its deadline.
      advance(scheduler, 46);
      expect(emitted).toHaveLength(1);
      advance(scheduler, 1);
      expect(emitted.map((b) => [b.partition, b.metas])).toEqual([[0, [1, 3]], [1, [2]]]);
    });

    it('off (as Java): an idle partition\'s batch lingers lingerMs, and partitionIdled changes nothing', () => {
      const { acc, scheduler, emitted } = setup({ lingerMs: 5, sendWhenIdle: false });
      acc.append(record(0, 'a', 1));
      acc.partitionIdled('t', 0);
      advance(scheduler, 4);
      expect(emitted).toHaveLength(0);
      advance(scheduler, 1);
      expect(emitted.map((b) => b.metas)).toEqual([[1]]);
    });
  });

  it('a held batch still goes when full, and on flush()', () => {
    // Room for exactly two of these records.
    const big = 'x'.repeat(40);
    const batchSize = RECORD_BATCH_OVERHEAD + 2 * recordSizeUpperBound(-1, big.length, null);
    const { acc, scheduler, emitted } = setup({ batchSize, lingerMs: 5 }, 1 << 20, new Set([0]));
    acc.append(record(0, big, 1));
    advance(scheduler, 10);
    expect(emitted).toHaveLength(0);
    for (let i = 2; i <= 3; i++) acc.append(record(0, big, i));
    expect(emitted.map((b) => b.metas)).toEqual([[1, 2]]);
    acc.flush();
    expect(emitted.map((b) => b.metas)).toEqual([[1, 2], [3]]);
  });

  it('emits a batch as soon as the next record does not fit in batchSize', () => {
    const { acc, emitted } = setup({ batchSize: 120, lingerMs: 1000 });
    const big = 'x'.repeat(40);
    acc.append(record(0, big, 1));
    expect(emitted).toHaveLength(0);
    for (let i = 2; i <= 5; i++) acc.append(record(0, big, i));
    expect(emitted.length).toBeGreaterThanOrEqual(1);
    expect(emitted[0].closed).toBe(true);
    expect(emitted[0].sizeInBytes).toBeLessThanOrEqual(120);
    // Nothing is lost or reordered across the split.
    acc.flush();
    expect(emitted.flatMap((b) => b.metas)).toEqual([1, 2, 3, 4, 5]);
  });

  it('fails a record larger than maxRequestSize on its own, without affecting others', () => {
    const { acc, emitted } = setup({ maxRequestSize: 100 });
    acc.append(record(0, 'small', 1));
    acc.append(record(0, 'y'.repeat(200), 2));
    acc.flush();
    const failed = emitted.find((b) => b.error !== null)!;
    expect(failed.error).toBeInstanceOf(RecordTooLargeError);
    expect(failed.error!.message).toMatch(/maxRequestSize=100/);
    expect(failed.metas).toEqual([2]);
    expect(emitted.filter((b) => b.error === null).flatMap((b) => b.metas)).toEqual([1]);
  });

  it('holds records in order while bufferMemory is exhausted, and resumes when memory returns', () => {
    const { acc, pool, emitted, backlog, drained } = setup({ batchSize: 100, lingerMs: 0 }, 100);
    acc.append(record(0, 'a', 1)); // takes the only buffer
    acc.append(record(1, 'b', 2)); // partition 1 needs a buffer: waits
    acc.append(record(0, 'c', 3)); // would fit partition 0, but must not overtake record 2
    expect(backlog()).toBe(2);
    acc.flush();
    expect(emitted.map((b) => b.metas)).toEqual([[1]]);
    // One buffer back: record 2 gets it; record 3 (another partition's batch) still waits.
    pool.deallocate(emitted[0].buffer!);
    expect(backlog()).toBe(1);
    acc.flush();
    pool.deallocate(emitted[1].buffer!);
    expect(backlog()).toBe(0);
    expect(drained()).toBe(1);
    acc.flush();
    expect(emitted.slice(1).map((b) => [b.partition, b.metas])).toEqual([
      [1, [2]],
      [0, [3]],
    ]);
  });

  it("bufferPolicy 'error' fails records that waited maxBlockMs with BufferExhaustedError", () => {
    const { acc, scheduler, emitted, backlog } = setup({ batchSize: 100, lingerMs: 10000, maxBlockMs: 50 }, 100);
    acc.append(record(0, 'a', 1));
    acc.append(record(1, 'b', 2));
    advance(scheduler, 49);
    expect(emitted).toHaveLength(0);
    advance(scheduler, 1);
    expect(emitted).toHaveLength(1);
    expect(emitted[0].error).toBeInstanceOf(BufferExhaustedError);
    expect(emitted[0].metas).toEqual([2]);
    expect(backlog()).toBe(0);
  });

  it("bufferPolicy 'drop-newest' reports the dropped record at once", () => {
    const { acc, emitted, backlog } = setup({ batchSize: 100, bufferPolicy: 'drop-newest' }, 100);
    acc.append(record(0, 'a', 1));
    acc.append(record(1, 'b', 2));
    expect(backlog()).toBe(0);
    expect(emitted).toHaveLength(1);
    expect(emitted[0].error).toBeInstanceOf(RecordDroppedError);
    expect(emitted[0].metas).toEqual([2]);
  });

  it('dispose() returns the memory of open batches to the pool', () => {
    const { acc, pool } = setup({ batchSize: 100 }, 300);
    acc.append(record(0, 'a'));
    acc.append(record(1, 'b'));
    expect(pool.available).toBe(100);
    acc.dispose();
    expect(pool.available).toBe(300);
  });

  it('emits a 0 ms linger batch on `soon` once the burst of records ends, not per record', () => {
    // Two virtual schedulers, so that the test sees which one the accumulator used.
    const delays = new VirtualTimeScheduler();
    const soon = new VirtualTimeScheduler();
    const config: AccumulatorConfig = { batchSize: 200, lingerMs: 0, maxRequestSize: 1 << 20, bufferMemory: 1 << 20, maxBlockMs: 1000, bufferPolicy: 'error' };
    const emitted: ProducerBatch[] = [];
    const time = { scheduler: delays, soon, preciseNow: () => delays.now() };
    const backlog = { add: () => {}, flushing: false, partitionBusy: () => false, partitionIdle: () => false };
    const acc = new RecordAccumulator(config, new BufferPool(config.bufferMemory, config.batchSize), time, backlog, (b) => emitted.push(b));
    acc.append(record(0, 'a', 1));
    acc.append(record(0, 'b', 2));
    acc.append(record(1, 'c', 3));
    acc.append(record(0, 'd', 4));
    expect(emitted).toHaveLength(0);
    expect(delays.actions).toHaveLength(0);
    soon.flush();
    expect(emitted.map((b) => [b.partition, b.metas])).toEqual([
      [0, [1, 2, 4]],
      [1, [3]],
    ]);
    expect(delays.actions).toHaveLength(0);
  });
  describe('batch memory taken as records arrive', () => {
    // 20-byte values: 44 bytes each at most, so a batch is 61 + 44·n bytes at most.
    const value = 'v'.repeat(20);
    const bound = recordSizeUpperBound(-1, 20, null);

    it('a partition with one small record holds only the smallest size class; a busy one grows by doubling up to batchSize', () => {
      const { acc, pool, emitted } = setup({ batchSize: 1000, lingerMs: 1000 }, 10_000, new Set(), 128);
      acc.append(record(1, value, 'lone'));
      expect(pool.available).toBe(10_000 - 128);
      const sizes: number[] = [];
      let n = 0;
      while (emitted.length === 0) {
        acc.append(record(0, value, n++));
        const open = 10_000 - pool.available - 128; // what partition 0's batch holds now
        if (emitted.length === 0 && sizes[sizes.length - 1] !== open) sizes.push(open);
      }
      expect(sizes).toEqual([128, 256, 512, 1000]);
      // Full at batchSize: as many records as fit in 1000 bytes, the last one starting the next batch.
      const full = emitted[0];
      expect(full.recordCount).toBe(n - 1);
      expect(full.sizeInBytes).toBeLessThanOrEqual(1000);
      expect(full.sizeInBytes + bound).toBeGreaterThan(1000);
      expect(full.buffer!.length).toBe(1000);
      const [decoded] = decodeRecordBatches(full.records());
      expect(decoded.crcValid).toBe(true);
      expect(decoded.records.map((r) => r.value!.toString())).toEqual(new Array(full.recordCount).fill(value));
      expect(full.metas).toEqual([...Array(full.recordCount).keys()]);
      // The buffers it grew out of are on the free lists, not lost: the memory is all accounted.
      acc.flush();
      for (const b of emitted) pool.deallocate(b.buffer!);
      expect(pool.available).toBe(10_000);
    });

    it("a partition's next batch starts in the size class its last batch reached: a busy one at batchSize, a quiet one small", () => {
      const { acc, scheduler, emitted } = setup({ batchSize: 1000, lingerMs: 5 }, 10_000, new Set(), 128);
      let n = 0;
      while (emitted.length === 0) acc.append(record(0, value, n++));
      expect(emitted[0].buffer!.length).toBe(1000);
      // The record that did not fit started partition 0's next batch, in a full-size buffer at once.
      acc.append(record(2, value, 'quiet'));
      advance(scheduler, 5);
      expect(emitted.map((b) => [b.partition, b.buffer!.length])).toEqual([
        [0, 1000],
        [0, 1000],
        [2, 128],
      ]);
      // Partition 0's last batch held one record: its next one starts in the smallest class again.
      acc.append(record(0, value, 'later'));
      acc.append(record(2, value, 'quiet again'));
      acc.flush();
      expect(emitted.slice(3).map((b) => [b.partition, b.metas, b.buffer!.length])).toEqual([
        [0, ['later'], 128],
        [2, ['quiet again'], 128],
      ]);
    });

    it('a first record larger than batchSize gets a buffer of its own size, which does not grow', () => {
      const { acc, emitted } = setup({ batchSize: 1000, lingerMs: 1000 }, 10_000, new Set(), 128);
      const big = 'x'.repeat(1500);
      acc.append(record(0, big, 1));
      acc.append(record(0, value, 2));
      expect(emitted.map((b) => [b.metas, b.buffer!.length])).toEqual([[[1], RECORD_BATCH_OVERHEAD + recordSizeUpperBound(-1, 1500, null)]]);
    });

    it('a batch that cannot grow because the memory is taken is sent as it is, and the next record waits for memory', () => {
      const { acc, pool, emitted, backlog } = setup({ batchSize: 256, lingerMs: 1000 }, 300, new Set(), 128);
      acc.append(record(1, value, 'p1')); // 128 held
      acc.append(record(0, value, 0)); // 256 held, 44 left
      acc.append(record(0, value, 1)); // no room in 128 bytes, and 256 are not free: the batch goes
      expect(emitted.map((b) => [b.partition, b.metas, b.buffer!.length])).toEqual([[0, [0], 128]]);
      expect(backlog()).toBe(1); // record 1 waits for a buffer of the smallest class
      pool.deallocate(emitted[0].buffer!);
      expect(backlog()).toBe(0);
      acc.flush();
      expect(emitted.slice(1).map((b) => [b.partition, b.metas])).toEqual([
        [1, ['p1']],
        [0, [1]],
      ]);
    });
  });
});
