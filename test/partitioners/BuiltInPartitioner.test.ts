import { BuiltInPartitioner } from '../../src/partitioners';
import { seededRandom } from '../support/random';

/** A random source that returns the given values in turn (then repeats the last). */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)];
}


describe('BuiltInPartitioner (KIP-794 uniform sticky)', () => {
  it('chooses uniformly with the random source, then sticks to that partition', () => {
    const p = new BuiltInPartitioner(sequence(0.5));
    expect(p.partition(4)).toBe(2);
    for (let i = 0; i < 10; i++) expect(p.partition(4)).toBe(2);
  });

  it('switches after batchSize bytes went to the sticky partition, not before', () => {
    const p = new BuiltInPartitioner(sequence(0.0, 0.99));
    const first = p.partition(4);
    expect(first).toBe(0);
    p.onAppend(first, 600, 1000);
    expect(p.partition(4)).toBe(0);
    p.onAppend(first, 399, 1000);
    expect(p.partition(4)).toBe(0); // 999 < 1000
    p.onAppend(first, 1, 1000); // 1000 ≥ batchSize: switch
    expect(p.partition(4)).toBe(3);
  });

  it('never picks the same partition again when another is available', () => {
    // random 0.0 twice: without the exclusion both picks would be partition 0.
    const p = new BuiltInPartitioner(sequence(0.0, 0.0, 0.0));
    expect(p.partition(3)).toBe(0);
    p.onAppend(0, 100, 100);
    expect(p.partition(3)).toBe(1); // drawn among {1, 2}
    p.onAppend(1, 100, 100);
    expect(p.partition(3)).toBe(0); // drawn among {0, 2}
  });

  it('stays on the only partition of a single-partition topic', () => {
    const p = new BuiltInPartitioner(sequence(0.7));
    expect(p.partition(1)).toBe(0);
    p.onAppend(0, 10, 1);
    expect(p.partition(1)).toBe(0);
  });

  it('chooses only among available partitions (with a leader)', () => {
    const p = new BuiltInPartitioner(seededRandom(1));
    const seen = new Set<number>();
    let current = p.partition(6, [1, 4]);
    for (let i = 0; i < 100; i++) {
      seen.add(current);
      p.onAppend(current, 10, 10);
      current = p.partition(6, [1, 4]);
    }
    expect([...seen].sort()).toEqual([1, 4]);
  });

  it('falls back to all partitions when none is available', () => {
    const p = new BuiltInPartitioner(sequence(0.99));
    expect(p.partition(5, [])).toBe(4);
  });

  it('ignores bytes appended to a partition that is not the sticky one', () => {
    const p = new BuiltInPartitioner(sequence(0.0, 0.99));
    expect(p.partition(4)).toBe(0);
    p.onAppend(2, 10_000, 100); // a keyed record's partition, say
    expect(p.partition(4)).toBe(0);
  });

  it('spreads bytes uniformly over partitions, one batch at a time', () => {
    const numPartitions = 5;
    const batchSize = 1000;
    const recordBytes = 100;
    const p = new BuiltInPartitioner(seededRandom(42));
    const records = new Array<number>(numPartitions).fill(0);
    let switches = 0;
    let last = -1;
    let run = 0;
    const runs: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const partition = p.partition(numPartitions);
      if (partition !== last) {
        if (last >= 0) {
          switches++;
          runs.push(run);
        }
        last = partition;
        run = 0;
      }
      run++;
      records[partition]++;
      p.onAppend(partition, recordBytes, batchSize);
    }
    // Every run is exactly one batch's worth of records (batchSize / recordBytes).
    expect(new Set(runs)).toEqual(new Set([batchSize / recordBytes]));
    expect(switches).toBe(50_000 / 10 - 1);
    // Uniform: each partition within 5% of its fair share.
    for (const count of records) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('chooses again when the partition count no longer covers the sticky partition', () => {
    const p = new BuiltInPartitioner(sequence(0.99, 0.0));
    expect(p.partition(8)).toBe(7);
    expect(p.partition(4)).toBe(0);
  });
});
