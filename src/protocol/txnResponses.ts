import type { Reader } from './Reader';

/**
 * Response bodies the transaction APIs share (up to the versions implemented here):
 *  - AddOffsetsToTxn, EndTxn: `throttle_time_ms:INT32 error_code:INT16`;
 *  - AddPartitionsToTxn, TxnOffsetCommit: `throttle_time_ms:INT32
 *    topics:[name:STRING partitions:[partition_index:INT32 error_code:INT16]]`;
 * each structure followed by tagged fields when flexible.
 */
export interface TxnErrorResponse {
  throttleTimeMs: number;
  errorCode: number;
}

/** One partition's error code. */
export interface TxnPartitionResult {
  partitionIndex: number;
  errorCode: number;
}

/** Error codes per topic and partition. */
export interface TxnPartitionsResponse {
  throttleTimeMs: number;
  topics: Array<{ name: string; partitions: TxnPartitionResult[] }>;
}

export function decodeTxnErrorResponse(r: Reader, flexible: boolean): TxnErrorResponse {
  const throttleTimeMs = r.int32();
  const errorCode = r.int16();
  if (flexible) r.skipTaggedFields();
  return { throttleTimeMs, errorCode };
}

export function decodeTxnPartitionsResponse(r: Reader, flexible: boolean): TxnPartitionsResponse {
  const throttleTimeMs = r.int32();
  const topicCount = flexible ? r.compactArrayLength() : r.arrayLength();
  const topics: TxnPartitionsResponse['topics'] = [];
  for (let t = 0; t < topicCount; t++) {
    const name = flexible ? r.nonNullCompactString() : r.nonNullString();
    const partitionCount = flexible ? r.compactArrayLength() : r.arrayLength();
    const partitions: TxnPartitionResult[] = [];
    for (let p = 0; p < partitionCount; p++) {
      const partitionIndex = r.int32();
      const errorCode = r.int16();
      if (flexible) r.skipTaggedFields();
      partitions.push({ partitionIndex, errorCode });
    }
    if (flexible) r.skipTaggedFields();
    topics.push({ name, partitions });
  }
  if (flexible) r.skipTaggedFields();
  return { throttleTimeMs, topics };
}
