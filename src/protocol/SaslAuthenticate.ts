/**
 * SaslAuthenticate (api key 36), versions 0–2; flexible from v2.
 *
 *   SaslAuthenticateRequest  => auth_bytes:BYTES
 *   SaslAuthenticateResponse => error_code:INT16 error_message:NULLABLE_STRING auth_bytes:BYTES
 *                               session_lifetime_ms:INT64 (v1+)
 *   (v2: COMPACT_BYTES, COMPACT_NULLABLE_STRING and a TAG_BUFFER after each struct)
 *
 * One round of a SASL exchange: the mechanism's client message in, the server's challenge out.
 * `session_lifetime_ms` (KIP-368) is how long the broker keeps the authenticated session; 0 means
 * no limit. A client that got one must re-authenticate on the same connection before it ends.
 */
import { defineApi } from './api';
import type { Reader } from './Reader';
import type { Writer } from './Writer';

const FLEXIBLE_FROM = 2;

/** SaslAuthenticate request: the mechanism's next client message. */
export interface SaslAuthenticateRequest {
  authBytes: Buffer;
}

/** SaslAuthenticate response. `sessionLifetimeMs` is 0 before v1. */
export interface SaslAuthenticateResponse {
  errorCode: number;
  errorMessage: string | null;
  /** The server's challenge (a view of the response frame). */
  authBytes: Buffer;
  sessionLifetimeMs: number;
}

function encodeRequest(w: Writer, version: number, req: SaslAuthenticateRequest): void {
  if (version >= FLEXIBLE_FROM) w.compactBytes(req.authBytes).emptyTaggedFields();
  else w.bytes(req.authBytes);
}

function decodeResponse(r: Reader, version: number): SaslAuthenticateResponse {
  const flexible = version >= FLEXIBLE_FROM;
  const errorCode = r.int16();
  const errorMessage = flexible ? r.compactString() : r.string();
  // The schema's bytes are not nullable; a broker that sends null anyway has said nothing.
  const authBytes = (flexible ? r.compactBytes() : r.bytes()) ?? Buffer.alloc(0);
  // An int64 of milliseconds: any real lifetime is far below 2^53.
  const sessionLifetimeMs = version >= 1 ? Number(r.int64()) : 0;
  if (flexible) r.skipTaggedFields();
  return { errorCode, errorMessage, authBytes, sessionLifetimeMs };
}

/** SaslAuthenticate: carries one SASL token each way (after SaslHandshake v1). */
export const SaslAuthenticate = defineApi<SaslAuthenticateRequest, SaslAuthenticateResponse>({
  name: 'SaslAuthenticate', apiKey: 36, minVersion: 0, maxVersion: 2, flexibleFrom: FLEXIBLE_FROM,
  encodeRequest,
  decodeResponse,
});
