/**
 * Partitioners: which partition a record goes to. Java-compatible by default — explicit partition,
 * else murmur2 of the key, else the uniform sticky partition (KIP-794) — or a user's function.
 */
export type { Partitioner } from './Partitioner';
export { BuiltInPartitioner } from './BuiltInPartitioner';
export { partitionForKey } from './keyPartition';
export { choosePartition, estimateRecordBytes } from './choosePartition';
export type { TopicPartitions } from './choosePartition';
