/**
 * EndTxn (api key 26), versions 0–4; flexible from v3.
 *
 *   EndTxnRequest  => transactional_id:STRING producer_id:INT64 producer_epoch:INT16 committed:BOOLEAN
 *   EndTxnResponse => throttle_time_ms:INT32 error_code:INT16
 *
 * Commits (committed = true) or aborts the current transaction: the coordinator writes the marker
 * to every partition added to it. v2 may return PRODUCER_FENCED, v4 TRANSACTION_ABORTABLE. v5
 * (KIP-890 part 2: the epoch is bumped by every EndTxn and returned) changes the producer's epoch
 * handling and is not used.
 */
import { defineApi } from './api';
import { type TxnErrorResponse, txnErrorResponseDecoder, type TxnProducer, writeTxnProducer } from './txnMessages';
import type { Writer } from './Writer';

const FLEXIBLE_FROM = 3;

/** EndTxn request. */
export interface EndTxnRequest extends TxnProducer {
  /** true: commit; false: abort. */
  committed: boolean;
}

/** EndTxn response. */
export type EndTxnResponse = TxnErrorResponse;

function encodeRequest(w: Writer, version: number, req: EndTxnRequest): void {
  const flexible = version >= FLEXIBLE_FROM;
  writeTxnProducer(w, flexible, req);
  w.boolean(req.committed);
  if (flexible) w.emptyTaggedFields();
}

/** EndTxn: commits or aborts the producer's current transaction. */
export const EndTxn = defineApi<EndTxnRequest, EndTxnResponse>({
  name: 'EndTxn', apiKey: 26, minVersion: 0, maxVersion: 4, flexibleFrom: FLEXIBLE_FROM,
  encodeRequest,
  decodeResponse: txnErrorResponseDecoder(FLEXIBLE_FROM),
});
