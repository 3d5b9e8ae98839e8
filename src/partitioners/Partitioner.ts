import type { SerializedRecord } from '../types';

/**
 * A user's partitioner (Java's `partitioner.class`): given a serialized record with no explicit
 * partition and the topic's partition count, returns the partition, 0 ≤ p < numPartitions. It
 * takes precedence over the key hash and the sticky partitioner; a record's explicit `partition`
 * takes precedence over it. Throwing, or returning anything else, fails that record only.
 *
 * @example
 * // Route by region, read from a header.
 * const byRegion: Partitioner = (record, numPartitions) => {
 *   const region = record.headers?.find((h) => h.key === 'region')?.value?.toString();
 *   return region === 'eu' ? 0 : 1 + (record.timestamp % (numPartitions - 1));
 * };
 * createProducer({ brokers, topic: 'events', partitioner: byRegion });
 */
export type Partitioner = (record: SerializedRecord, numPartitions: number) => number;
