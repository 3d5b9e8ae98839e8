import { InvalidRecordError, PartitionerError, RecordError } from '../../src/errors';
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
    expect(attempt).toThrow(InvalidRecordError);
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

  /** The error choosePartition throws for `r`. */
  function thrownBy(partitioner: Partitioner, r = record()): unknown {
    try {
      choosePartition(r, topic3, partitioner, new BuiltInPartitioner(), 100);
    } catch (err) {
      return err;
    }
    throw new Error('choosePartition did not throw');
  }

  it.each([
    [3, '3'],
    [-1, '-1'],
    [1.5, '1.5'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    ['1', 'a string'],
    [undefined, 'undefined'],
    [null, 'null'],
    [{ partition: 1 }, 'an object'],
  ])("fails the record with PartitionerError when the user's partitioner returns %p", (bad, shown) => {
    const err = thrownBy(() => bad as never);
    expect(err).toBeInstanceOf(PartitionerError);
    expect(err).toBeInstanceOf(RecordError);
    expect((err as PartitionerError).message).toBe(
      `the partitioner returned ${shown} for topic 't', which has 3 partitions: it must return an integer from 0 to 2`,
    );
    expect((err as PartitionerError).record).toEqual({ topic: 't', partition: undefined, meta: 'm' });
  });

  it("fails the record with PartitionerError naming the cause when the user's partitioner throws", () => {
    const cause = new Error('no region');
    const err = thrownBy(() => {
      throw cause;
    }) as PartitionerError;
    expect(err).toBeInstanceOf(PartitionerError);
    expect(err.message).toBe(
      "the partitioner threw for a record of topic 't': no region; fix the partitioner (it must return a partition " +
        'for every record) or give such records a partition',
    );
    expect(err.cause).toBe(cause);
    expect(err.record.meta).toBe('m');
    expect(err.retriable).toBe(false);
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
