import { murmur2, toPositive } from '../protocol/murmur2';

/**
 * The partition of a keyed record, exactly as Java's `BuiltInPartitioner.partitionForKey`:
 * `toPositive(murmur2(key)) % numPartitions`. Java producers, Kafka Streams and librdkafka's
 * `murmur2_random` put the same key on the same partition, so rxkafka must too.
 *
 * Clearing the sign bit (`& 0x7fffffff`) is not the same as reading the hash unsigned (`>>> 0`):
 * for negative hashes the two differ by 2^31, which moves the key to another partition whenever
 * numPartitions does not divide 2^31 (e.g. "21" → 0 of 3 in Java, 2 with `>>> 0`).
 *
 * @example
 * partitionForKey(Buffer.from('21'), 3) // 0
 */
export function partitionForKey(key: Buffer, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions;
}
