import { RecordError } from '../../src/errors';
import { BuiltInPartitioner, choosePartition, estimateRecordBytes, Partitioner, partitionForKey } from '../../src/partitioners';
import type { SerializedRecord } from '../../src/types';

function record(overrides: Partial<SerializedRecord> = {}): SerializedRecord {
  return { topic: 't', partition: -1, key: null, value: Buffer.from('v'), headers: null, timestamp: 0, meta: 'm', error: null, ...overrides };
}

/** Three partitions, all with a leader. */
const topic3 = { partitions: [{ partition: 0, leader: 1 }, { partition: 1, leader: 2 }, { partition: 2, leader: 1 }] };

describe('choosePartition', () => {
  it('uses an explicit partition first, even with a key and a partitioner', () => {
    const partitioner: Partitioner = () => 0;
    expect(choosePartition(record({ partition: 2, key: Buffer.from('21') }), topic3, partitioner, new BuiltInPartitioner(), 100)).toBe(2);
  });

  it('fails an explicit partition the topic does not have', () => {
    const attempt = () => choosePartition(record({ partition: 3 }), topic3, undefined, new BuiltInPartitioner(), 100);
    expect(attempt).toThrow(RecordError);
    expect(attempt).toThrow("partition 3 of topic 't' does not exist: the topic has 3 partitions (0…2); fix record.partition or leave it out");
    try {
      attempt();
    } catch (err) {
      expect((err as RecordError).record).toEqual({ topic: 't', partition: 3, meta: 'm' });
    }
  });

  it("uses the user's partitioner before the key", () => {
    const calls: Array<[SerializedRecord, number]> = [];
    const partitioner: Partitioner = (r, n) => {
      calls.push([r, n]);
      return 1;
    };
    const r = record({ key: Buffer.from('21') });
    expect(choosePartition(r, topic3, partitioner, new BuiltInPartitioner(), 100)).toBe(1);
    expect(calls).toEqual([[r, 3]]);
  });

  it("fails the record when the user's partitioner returns an invalid partition or throws", () => {
    for (const bad of [3, -1, 1.5, NaN, '1' as never]) {
      expect(() => choosePartition(record(), topic3, () => bad, new BuiltInPartitioner(), 100)).toThrow(
        /the partitioner returned .* for topic 't', which has 3 partitions: it must return an integer from 0 to 2/,
      );
    }
    const throwing: Partitioner = () => {
      throw new Error('no region');
    };
    expect(() => choosePartition(record(), topic3, throwing, new BuiltInPartitioner(), 100)).toThrow(/the partitioner threw .*: no region/);
  });

  it('hashes a key with murmur2 over all partitions, leader or not (Java)', () => {
    const noLeaders = { partitions: [{ partition: 0, leader: -1 }, { partition: 1, leader: -1 }, { partition: 2, leader: -1 }] };
    expect(choosePartition(record({ key: Buffer.from('21') }), noLeaders, undefined, new BuiltInPartitioner(), 100)).toBe(0);
    const key = Buffer.from('foobar');
    expect(choosePartition(record({ key }), topic3, undefined, new BuiltInPartitioner(), 100)).toBe(partitionForKey(key, 3));
  });

  it('puts keyless records on the sticky partition and counts their bytes toward the switch', () => {
    const sticky = new BuiltInPartitioner(() => 0);
    const r = record({ value: Buffer.alloc(42) }); // 50 bytes with the overhead estimate
    expect(estimateRecordBytes(r)).toBe(50);
    expect(choosePartition(r, topic3, undefined, sticky, 100)).toBe(0);
    expect(choosePartition(r, topic3, undefined, sticky, 100)).toBe(0); // 100 bytes: switch after this one
    expect(choosePartition(r, topic3, undefined, sticky, 100)).toBe(1);
  });

  it('chooses the sticky partition among partitions that have a leader', () => {
    // Listed out of order: the partition's own index counts, not its position.
    const topic = { partitions: [{ partition: 2, leader: 5 }, { partition: 0, leader: -1 }, { partition: 1, leader: -1 }] };
    for (let i = 0; i < 20; i++) {
      const sticky = new BuiltInPartitioner(() => i / 20);
      expect(choosePartition(record(), topic, undefined, sticky, 100)).toBe(2);
    }
  });

  it('prefers an availablePartitions list when the topic has one', () => {
    const topic = { partitions: [{}, {}, {}, {}], availablePartitions: [3] };
    expect(choosePartition(record(), topic, undefined, new BuiltInPartitioner(() => 0), 100)).toBe(3);
  });

  it('counts headers and key in the byte estimate', () => {
    const r = record({ key: Buffer.alloc(3), value: null, headers: [{ key: 'ab', value: Buffer.alloc(4) }, { key: 'c', value: null }] });
    expect(estimateRecordBytes(r)).toBe(8 + 3 + (2 + 2 + 4) + (2 + 1));
  });
});
