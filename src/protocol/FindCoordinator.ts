/**
 * FindCoordinator (api key 10), versions 0–3; flexible from v3.
 *
 *   FindCoordinatorRequest  => key:STRING key_type:INT8 (v1+)
 *   FindCoordinatorResponse => throttle_time_ms:INT32 (v1+) error_code:INT16
 *                              error_message:NULLABLE_STRING (v1+) node_id:INT32 host:STRING port:INT32
 *
 * The producer asks it for the transaction coordinator of its transactional id (key type 1) and,
 * for sendOffsetsToTransaction, for the group coordinator of the consumer group (key type 0). v4
 * batches several keys in one request (KIP-699); one key at a time is all the producer needs, and
 * both mocks stop at v3.
 */
import { defineApi } from './api';
import type { Reader } from './Reader';
import type { Writer } from './Writer';

const FLEXIBLE_FROM = 3;

/** Which coordinator: of a consumer group, or of a transactional id. */
export const CoordinatorType = { GROUP: 0, TRANSACTION: 1 } as const;

/** FindCoordinator request. `keyType` is sent from v1 (v0 only knows groups). */
export interface FindCoordinatorRequest {
  key: string;
  keyType: number;
}

/** FindCoordinator response. Fields absent in v0 take Kafka's defaults (0, null). */
export interface FindCoordinatorResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

function encodeRequest(w: Writer, version: number, req: FindCoordinatorRequest): void {
  const flexible = version >= FLEXIBLE_FROM;
  if (flexible) w.compactString(req.key);
  else w.string(req.key);
  if (version >= 1) w.int8(req.keyType);
  else if (req.keyType !== CoordinatorType.GROUP) throw new Error('FindCoordinator v0 can only find group coordinators');
  if (flexible) w.emptyTaggedFields();
}

function decodeResponse(r: Reader, version: number): FindCoordinatorResponse {
  const flexible = version >= FLEXIBLE_FROM;
  const throttleTimeMs = version >= 1 ? r.int32() : 0;
  const errorCode = r.int16();
  const errorMessage = version >= 1 ? (flexible ? r.compactString() : r.string()) : null;
  const nodeId = r.int32();
  const host = flexible ? r.nonNullCompactString() : r.nonNullString();
  const port = r.int32();
  if (flexible) r.skipTaggedFields();
  return { throttleTimeMs, errorCode, errorMessage, nodeId, host, port };
}

/** FindCoordinator: which broker coordinates a transactional id or a consumer group. */
export const FindCoordinator = defineApi<FindCoordinatorRequest, FindCoordinatorResponse>({
  name: 'FindCoordinator', apiKey: 10, minVersion: 0, maxVersion: 3, flexibleFrom: FLEXIBLE_FROM,
  encodeRequest,
  decodeResponse,
});
