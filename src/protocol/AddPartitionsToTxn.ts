/**
 * AddPartitionsToTxn (api key 24), versions 0–3; flexible from v3.
 *
 *   AddPartitionsToTxnRequest  => transactional_id:STRING producer_id:INT64 producer_epoch:INT16
 *                                 topics:[name:STRING partitions:[INT32]]
 *   AddPartitionsToTxnResponse => throttle_time_ms:INT32
 *                                 results:[name:STRING results:[partition_index:INT32 partition_error_code:INT16]]
 *
 * Tells the transaction coordinator which partitions the current transaction writes to, before the
 * first batch of each goes out, so that the coordinator writes the commit or abort marker there.
 * v2 may return PRODUCER_FENCED. v4 and later batch several transactions and are spoken between
 * brokers only (KIP-890): clients stay at v3.
 */
import { defineApi } from './api';
import { type TxnPartitionsResponse, txnPartitionsResponseDecoder, type TxnProducer, writeTxnProducer } from './txnMessages';
import type { Writer } from './Writer';

const FLEXIBLE_FROM = 3;

/** The partitions of one topic to add to the transaction. */
export interface AddPartitionsToTxnTopic {
  name: string;
  partitions: number[];
}

/** AddPartitionsToTxn request. */
export interface AddPartitionsToTxnRequest extends TxnProducer {
  topics: AddPartitionsToTxnTopic[];
}

/** AddPartitionsToTxn response: an error code per partition asked for. */
export type AddPartitionsToTxnResponse = TxnPartitionsResponse;

function encodeRequest(w: Writer, version: number, req: AddPartitionsToTxnRequest): void {
  const flexible = version >= FLEXIBLE_FROM;
  const topics = req.topics;
  writeTxnProducer(w, flexible, req);
  if (flexible) w.compactArrayLength(topics.length);
  else w.arrayLength(topics.length);
  for (let t = 0; t < topics.length; t++) {
    const partitions = topics[t].partitions;
    if (flexible) w.compactString(topics[t].name).compactArrayLength(partitions.length);
    else w.string(topics[t].name).arrayLength(partitions.length);
    for (let p = 0; p < partitions.length; p++) w.int32(partitions[p]);
    if (flexible) w.emptyTaggedFields();
  }
  if (flexible) w.emptyTaggedFields();
}

/** AddPartitionsToTxn: registers partitions with the current transaction. */
export const AddPartitionsToTxn = defineApi<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>({
  name: 'AddPartitionsToTxn', apiKey: 24, minVersion: 0, maxVersion: 3, flexibleFrom: FLEXIBLE_FROM,
  encodeRequest,
  decodeResponse: txnPartitionsResponseDecoder(FLEXIBLE_FROM),
});
