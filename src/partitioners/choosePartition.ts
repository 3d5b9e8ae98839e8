import { InvalidRecordError, messageOf, PartitionerError, RecordError } from '../errors';
import { describeType } from '../serde/describeType';
import type { SerializedRecord } from '../types';
import type { BuiltInPartitioner } from './BuiltInPartitioner';
import { partitionForKey } from './keyPartition';
import type { Partitioner } from './Partitioner';

/**
 * What choosePartition needs to know of a topic (the cluster's TopicInfo fits it): the partition
 * list, whose length is the partition count, and which partitions have a leader.
 */
export interface TopicPartitions {
  /**
   * Every partition of the topic: its length is the partition count; entries' `leader` (-1 = none)
   * and `partition` are read, when present, to find the available ones.
   */
  readonly partitions: ArrayLike<unknown>;
  /**
   * Partitions that have a leader now (Java's `availablePartitionsForTopic`). When absent, they
   * are derived from the entries' `leader >= 0`, or else every partition counts as available.
   */
  readonly availablePartitions?: readonly number[];
}

/**
 * Bytes a record adds to a batch, for the sticky partitioner's count: its payload plus the fixed
 * per-record overhead of RecordBatch v2 (length, attributes, deltas, key/value lengths and header
 * count varints: ~8 bytes for small records). An estimate, as Java's own count is: it only decides
 * when to move to the next partition.
 */
export function estimateRecordBytes(record: SerializedRecord): number {
  let bytes = 8;
  if (record.key !== null) bytes += record.key.length;
  if (record.value !== null) bytes += record.value.length;
  const headers = record.headers;
  if (headers !== null) {
    for (let i = 0; i < headers.length; i++) {
      const value = headers[i].value;
      bytes += 2 + Buffer.byteLength(headers[i].key) + (value === null ? 0 : value.length);
    }
  }
  return bytes;
}

/**
 * The partition of one record, in Java's order of precedence:
 * 1. the record's explicit `partition` (must exist in the topic);
 * 2. the user's `partitioner`, if configured (must return an existing partition);
 * 3. `toPositive(murmur2(key)) % numPartitions` for a keyed record — over all partitions, as Java,
 *    so that a key's partition does not move while a leader is down;
 * 4. the topic's sticky partition for a keyless record; its byte count is updated here
 *    (`onAppend`), hence `batchSize`.
 *
 * @throws InvalidRecordError when the record's explicit partition does not exist; PartitionerError
 * when the user's partitioner throws or returns anything but an existing partition. The caller
 * fails that record only.
 *
 * @example
 * record.partition = choosePartition(record, topicInfo, config.partitioner, host.stickyPartitioner(record.topic), config.batchSize);
 */
export function choosePartition(
  record: SerializedRecord,
  topic: TopicPartitions,
  partitioner: Partitioner | undefined,
  sticky: BuiltInPartitioner,
  batchSize: number,
): number {
  const numPartitions = topic.partitions.length;
  if (numPartitions < 1) {
    throw new RecordError(`topic '${record.topic}' has no partitions in the metadata yet`, ref(record), undefined, true);
  }

  if (record.partition >= 0) {
    if (record.partition >= numPartitions) {
      throw new InvalidRecordError(
        `partition ${record.partition} of topic '${record.topic}' does not exist: the topic has ${numPartitions} ` +
          `partition${numPartitions === 1 ? '' : 's'} (0…${numPartitions - 1}); fix record.partition or leave it out`,
        ref(record),
      );
    }
    return record.partition;
  }

  if (partitioner !== undefined) {
    let p: unknown;
    try {
      p = partitioner(record, numPartitions);
    } catch (err) {
      throw new PartitionerError(
        `the partitioner threw for a record of topic '${record.topic}': ${messageOf(err)}; ` +
          'fix the partitioner (it must return a partition for every record) or give such records a partition',
        ref(record),
        err,
      );
    }
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p >= numPartitions) {
      throw new PartitionerError(
        `the partitioner returned ${typeof p === 'number' ? String(p) : describeType(p)} for topic '${record.topic}', which has ${numPartitions} partitions: ` +
          `it must return an integer from 0 to ${numPartitions - 1}`,
        ref(record),
      );
    }
    return p;
  }

  if (record.key !== null) return partitionForKey(record.key, numPartitions);

  // The available list is derived only when the sticky partitioner is about to choose (once per
  // batchSize bytes), not for every record.
  const current = sticky.currentPartition;
  const p =
    current >= 0 && current < numPartitions ? current : sticky.partition(numPartitions, availablePartitionsOf(topic));
  sticky.onAppend(p, estimateRecordBytes(record), batchSize);
  return p;
}

/** The topic's partitions that have a leader; undefined when the metadata does not say. */
function availablePartitionsOf(topic: TopicPartitions): readonly number[] | undefined {
  if (topic.availablePartitions !== undefined) return topic.availablePartitions;
  const partitions = topic.partitions;
  const available: number[] = [];
  for (let i = 0; i < partitions.length; i++) {
    const info = partitions[i] as { leader?: unknown; partition?: unknown } | null;
    if (info === null || typeof info !== 'object' || typeof info.leader !== 'number') return undefined;
    // Metadata lists partitions in any order: use the partition's own index when it has one.
    if (info.leader >= 0) available.push(typeof info.partition === 'number' ? info.partition : i);
  }
  return available;
}

function ref(record: SerializedRecord): { topic: string; partition?: number; meta: unknown } {
  return { topic: record.topic, partition: record.partition >= 0 ? record.partition : undefined, meta: record.meta };
}
