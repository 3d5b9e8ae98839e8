import { ErrorCode } from '../protocol/errorCodes';
import type { ProduceRequest, ProduceResponse } from '../protocol/Produce';
import type { ProducerBatch } from '../accumulator/ProducerBatch';

/**
 * The Produce request for one drain of one broker: the batches grouped by topic, one batch per
 * partition (the drain guarantees it). The batches' encoded bytes are referenced, not copied.
 */
export function buildProduceRequest(batches: ProducerBatch[], acks: number, timeoutMs: number, transactionalId: string | null = null): ProduceRequest {
  const request: ProduceRequest = { transactionalId, acks, timeoutMs, topics: [] };
  const byTopic = new Map<string, ProduceRequest['topics'][number]>();
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i];
    let topic = byTopic.get(b.topic);
    if (topic === undefined) {
      topic = { name: b.topic, partitions: [] };
      byTopic.set(b.topic, topic);
      request.topics.push(topic);
    }
    topic.partitions.push({ index: b.partition, records: b.records() });
  }
  return request;
}

/** The response's result for one partition, or undefined when the broker left it out. */
export function findPartition(response: ProduceResponse, topic: string, partition: number) {
  const topics = response.topics;
  for (let i = 0; i < topics.length; i++) {
    if (topics[i].name !== topic) continue;
    const parts = topics[i].partitions;
    for (let j = 0; j < parts.length; j++) if (parts[j].index === partition) return parts[j];
  }
  return undefined;
}

/** Errors after which the partition's leader may have moved: refresh metadata before retrying. */
export function isMetadataError(code: number): boolean {
  return (
    code === ErrorCode.NOT_LEADER_OR_FOLLOWER ||
    code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ||
    code === ErrorCode.LEADER_NOT_AVAILABLE ||
    code === ErrorCode.KAFKA_STORAGE_ERROR ||
    code === ErrorCode.NOT_ENOUGH_REPLICAS
  );
}
