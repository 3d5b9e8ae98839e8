/**
 * AddOffsetsToTxn (api key 25), versions 0–4; flexible from v3.
 *
 *   AddOffsetsToTxnRequest  => transactional_id:STRING producer_id:INT64 producer_epoch:INT16 group_id:STRING
 *   AddOffsetsToTxnResponse => throttle_time_ms:INT32 error_code:INT16
 *
 * Sent to the transaction coordinator before TxnOffsetCommit: it adds the group's offsets
 * partition to the transaction, so that the consumed offsets commit or abort with the records.
 * v2 may return PRODUCER_FENCED, v4 TRANSACTION_ABORTABLE.
 */
import type { Api } from './api';
import type { Reader } from './Reader';
import { decodeTxnErrorResponse, type TxnErrorResponse } from './txnResponses';
import type { Writer } from './Writer';

const FLEXIBLE_FROM = 3;

/** AddOffsetsToTxn request. */
export interface AddOffsetsToTxnRequest {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  groupId: string;
}

/** AddOffsetsToTxn response. */
export type AddOffsetsToTxnResponse = TxnErrorResponse;

function encodeRequest(w: Writer, version: number, req: AddOffsetsToTxnRequest): void {
  const flexible = version >= FLEXIBLE_FROM;
  if (flexible) w.compactString(req.transactionalId);
  else w.string(req.transactionalId);
  w.int64(req.producerId).int16(req.producerEpoch);
  if (flexible) w.compactString(req.groupId).emptyTaggedFields();
  else w.string(req.groupId);
}

function decodeResponse(r: Reader, version: number): AddOffsetsToTxnResponse {
  return decodeTxnErrorResponse(r, version >= FLEXIBLE_FROM);
}

/** AddOffsetsToTxn: adds a consumer group's offsets to the current transaction. */
export const AddOffsetsToTxn: Api<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse> = {
  name: 'AddOffsetsToTxn',
  apiKey: 25,
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: FLEXIBLE_FROM,
  responseHeaderVersion: (version) => (version >= FLEXIBLE_FROM ? 1 : 0),
  encodeRequest,
  decodeResponse,
};
