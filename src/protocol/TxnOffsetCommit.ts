/**
 * TxnOffsetCommit (api key 28), versions 0–3; flexible from v3.
 *
 *   TxnOffsetCommitRequest  => transactional_id:STRING group_id:STRING producer_id:INT64 producer_epoch:INT16
 *                              generation_id:INT32 (v3+) member_id:STRING (v3+) group_instance_id:NULLABLE_STRING (v3+)
 *                              topics:[name:STRING partitions:[partition_index:INT32 committed_offset:INT64
 *                                committed_leader_epoch:INT32 (v2+) committed_metadata:NULLABLE_STRING]]
 *   TxnOffsetCommitResponse => throttle_time_ms:INT32
 *                              topics:[name:STRING partitions:[partition_index:INT32 error_code:INT16]]
 *
 * Sent to the consumer group's coordinator (after AddOffsetsToTxn): the offsets become visible to
 * the group only when the transaction commits. v3 carries the consumer's generation and member id
 * so that a zombie consumer's commit is fenced (KIP-447).
 */
import { defineApi } from './api';
import { type TxnPartitionsResponse, txnPartitionsResponseDecoder } from './txnMessages';
import type { Writer } from './Writer';

const FLEXIBLE_FROM = 3;

/** One partition's offset: the position of the next record to consume. */
export interface TxnOffsetCommitPartition {
  partitionIndex: number;
  committedOffset: bigint;
  /** -1 when unknown (sent from v2). */
  committedLeaderEpoch: number;
  committedMetadata: string | null;
}

/** TxnOffsetCommit request. The generation fields go from v3 (defaults: -1, '', null). */
export interface TxnOffsetCommitRequest {
  transactionalId: string;
  groupId: string;
  producerId: bigint;
  producerEpoch: number;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: Array<{ name: string; partitions: TxnOffsetCommitPartition[] }>;
}

/** TxnOffsetCommit response: an error code per partition. */
export type TxnOffsetCommitResponse = TxnPartitionsResponse;

function encodeRequest(w: Writer, version: number, req: TxnOffsetCommitRequest): void {
  const flexible = version >= FLEXIBLE_FROM;
  const str = (s: string | null): Writer => (flexible ? w.compactString(s) : w.string(s));
  const len = (n: number): Writer => (flexible ? w.compactArrayLength(n) : w.arrayLength(n));
  str(req.transactionalId);
  str(req.groupId);
  w.int64(req.producerId).int16(req.producerEpoch);
  if (version >= 3) {
    w.int32(req.generationId);
    str(req.memberId);
    str(req.groupInstanceId);
  }
  len(req.topics.length);
  for (const topic of req.topics) {
    str(topic.name);
    len(topic.partitions.length);
    for (const p of topic.partitions) {
      w.int32(p.partitionIndex).int64(p.committedOffset);
      if (version >= 2) w.int32(p.committedLeaderEpoch);
      str(p.committedMetadata);
      if (flexible) w.emptyTaggedFields();
    }
    if (flexible) w.emptyTaggedFields();
  }
  if (flexible) w.emptyTaggedFields();
}

/** TxnOffsetCommit: commits a consumer group's offsets as part of the producer's transaction. */
export const TxnOffsetCommit = defineApi<TxnOffsetCommitRequest, TxnOffsetCommitResponse>({
  name: 'TxnOffsetCommit', apiKey: 28, minVersion: 0, maxVersion: 3, flexibleFrom: FLEXIBLE_FROM,
  encodeRequest,
  decodeResponse: txnPartitionsResponseDecoder(FLEXIBLE_FROM),
});
