/**
 * InitProducerId (api key 22), versions 0–4; flexible from v2.
 *
 *   InitProducerIdRequest  => transactional_id:NULLABLE_STRING transaction_timeout_ms:INT32
 *                             producer_id:INT64 (v3+) producer_epoch:INT16 (v3+)
 *   InitProducerIdResponse => throttle_time_ms:INT32 error_code:INT16 producer_id:INT64 producer_epoch:INT16
 *
 * v3 lets an idempotent producer send its current id and epoch to have the epoch bumped (KIP-360)
 * instead of getting a new id; v4 may return PRODUCER_FENCED. v5 (TRANSACTION_ABORTABLE, same
 * layout) is not advertised here because the transaction layer does not handle that code yet.
 */
import { defineApi } from './api';
import type { Reader } from './Reader';
import type { Writer } from './Writer';

const FLEXIBLE_FROM = 2;

/** InitProducerId request. `producerId`/`producerEpoch` are only sent from v3 (-1n/-1: none). */
export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  producerId: bigint;
  producerEpoch: number;
}

/** InitProducerId response. */
export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}

function encodeRequest(w: Writer, version: number, req: InitProducerIdRequest): void {
  const flexible = version >= FLEXIBLE_FROM;
  if (flexible) w.compactString(req.transactionalId);
  else w.string(req.transactionalId);
  w.int32(req.transactionTimeoutMs);
  if (version >= 3) w.int64(req.producerId).int16(req.producerEpoch);
  if (flexible) w.emptyTaggedFields();
}

function decodeResponse(r: Reader, version: number): InitProducerIdResponse {
  const throttleTimeMs = r.int32();
  const errorCode = r.int16();
  const producerId = r.int64();
  const producerEpoch = r.int16();
  if (version >= FLEXIBLE_FROM) r.skipTaggedFields();
  return { throttleTimeMs, errorCode, producerId, producerEpoch };
}

/** InitProducerId: a producer id and epoch for idempotent (and transactional) producing. */
export const InitProducerId = defineApi<InitProducerIdRequest, InitProducerIdResponse>({
  name: 'InitProducerId', apiKey: 22, minVersion: 0, maxVersion: 4, flexibleFrom: FLEXIBLE_FROM,
  encodeRequest,
  decodeResponse,
});
