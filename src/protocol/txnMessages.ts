import type { Reader } from './Reader';
import type { Writer } from './Writer';

/**
 * The parts the transaction APIs' messages share (up to the versions implemented here):
 *  - the requests of AddPartitionsToTxn, AddOffsetsToTxn and EndTxn start with
 *    `transactional_id:STRING producer_id:INT64 producer_epoch:INT16`;
 *  - the responses of AddOffsetsToTxn and EndTxn are `throttle_time_ms:INT32 error_code:INT16`;
 *  - those of AddPartitionsToTxn and TxnOffsetCommit are `throttle_time_ms:INT32
 *    topics:[name:STRING partitions:[partition_index:INT32 error_code:INT16]]`;
 * each structure followed by tagged fields when flexible.
 */

/** Who is asking: the transactional producer's id, producer id and epoch. */
export interface TxnProducer {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
}

/** Writes `transactional_id producer_id producer_epoch`, the start of the requests that carry them in that order. */
export function writeTxnProducer(w: Writer, flexible: boolean, req: TxnProducer): void {
  if (flexible) w.compactString(req.transactionalId);
  else w.string(req.transactionalId);
  w.int64(req.producerId).int16(req.producerEpoch);
}

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

/** decodeResponse of an API that answers `throttle_time_ms error_code`, flexible from `flexibleFrom`. */
export function txnErrorResponseDecoder(flexibleFrom: number): (r: Reader, version: number) => TxnErrorResponse {
  return (r, version) => decodeTxnErrorResponse(r, version >= flexibleFrom);
}

/** decodeResponse of an API that answers an error code per partition, flexible from `flexibleFrom`. */
export function txnPartitionsResponseDecoder(flexibleFrom: number): (r: Reader, version: number) => TxnPartitionsResponse {
  return (r, version) => decodeTxnPartitionsResponse(r, version >= flexibleFrom);
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
