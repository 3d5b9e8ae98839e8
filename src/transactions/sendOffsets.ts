import type { TxnOffsetCommitRequest } from '../protocol/TxnOffsetCommit';

/**
 * A consumed partition's position to commit with the transaction: `offset` is the offset of the
 * next record to consume (the last processed offset + 1), as Kafka's OffsetAndMetadata.
 */
export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: bigint | number;
  /** Stored with the offset for the group's own use; default null. */
  metadata?: string | null;
  /** Leader epoch of the last consumed record, if the consumer knows it; default -1 (unknown). */
  leaderEpoch?: number;
}

/**
 * The consumer's group membership (Java's ConsumerGroupMetadata). With the generation and member
 * id (KIP-447), the group coordinator refuses offsets from a consumer that has been rebalanced
 * out; with only `groupId`, it cannot tell.
 */
export interface ConsumerGroupMetadata {
  groupId: string;
  /** Default -1 (unknown). */
  generationId?: number;
  /** Default '' (unknown). */
  memberId?: string;
  /** Static membership id; default null. */
  groupInstanceId?: string | null;
}

/** The TxnOffsetCommit request for `offsets`, grouped by topic. */
export function txnOffsetCommitRequest(
  transactionalId: string,
  producerId: bigint,
  producerEpoch: number,
  offsets: readonly OffsetToCommit[],
  group: ConsumerGroupMetadata,
): TxnOffsetCommitRequest {
  const byTopic = new Map<string, TxnOffsetCommitRequest['topics'][number]>();
  for (const o of offsets) {
    let topic = byTopic.get(o.topic);
    if (topic === undefined) byTopic.set(o.topic, (topic = { name: o.topic, partitions: [] }));
    topic.partitions.push({
      partitionIndex: o.partition,
      committedOffset: BigInt(o.offset),
      committedLeaderEpoch: o.leaderEpoch ?? -1,
      committedMetadata: o.metadata ?? null,
    });
  }
  return {
    transactionalId,
    groupId: group.groupId,
    producerId,
    producerEpoch,
    generationId: group.generationId ?? -1,
    memberId: group.memberId ?? '',
    groupInstanceId: group.groupInstanceId ?? null,
    topics: [...byTopic.values()],
  };
}
