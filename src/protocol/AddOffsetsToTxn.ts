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
import { defineApi } from './api';
import { type TxnErrorResponse, txnErrorResponseDecoder, type TxnProducer, writeTxnProducer } from './txnMessages';
import type { Writer } from './Writer';

const FLEXIBLE_FROM = 3;

/** AddOffsetsToTxn request. */
export interface AddOffsetsToTxnRequest extends TxnProducer {
  groupId: string;
}

/** AddOffsetsToTxn response. */
export type AddOffsetsToTxnResponse = TxnErrorResponse;

function encodeRequest(w: Writer, version: number, req: AddOffsetsToTxnRequest): void {
  const flexible = version >= FLEXIBLE_FROM;
  writeTxnProducer(w, flexible, req);
  if (flexible) w.compactString(req.groupId).emptyTaggedFields();
  else w.string(req.groupId);
}

/** AddOffsetsToTxn: adds a consumer group's offsets to the current transaction. */
export const AddOffsetsToTxn = defineApi<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>({
  name: 'AddOffsetsToTxn', apiKey: 25, minVersion: 0, maxVersion: 4, flexibleFrom: FLEXIBLE_FROM,
  encodeRequest,
  decodeResponse: txnErrorResponseDecoder(FLEXIBLE_FROM),
});
