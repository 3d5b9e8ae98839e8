/**
 * SaslHandshake (api key 17), version 1 only; never flexible.
 *
 *   SaslHandshakeRequest  => mechanism:STRING
 *   SaslHandshakeResponse => error_code:INT16 mechanisms:[STRING]
 *
 * v1 announces that the SASL tokens that follow travel in SaslAuthenticate requests (KIP-152);
 * v0's raw, unframed tokens are not implemented (every broker since Kafka 1.0 takes v1). The
 * response lists the mechanisms the listener enables, so a refusal (UNSUPPORTED_SASL_MECHANISM)
 * can say which ones would work.
 */
import { defineApi } from './api';
import type { Reader } from './Reader';
import type { Writer } from './Writer';

/** SaslHandshake request: the mechanism's IANA name, e.g. `SCRAM-SHA-256`. */
export interface SaslHandshakeRequest {
  mechanism: string;
}

/** SaslHandshake response. */
export interface SaslHandshakeResponse {
  errorCode: number;
  /** The mechanisms the broker's listener enables. */
  mechanisms: string[];
}

function encodeRequest(w: Writer, _version: number, req: SaslHandshakeRequest): void {
  w.string(req.mechanism);
}

function decodeResponse(r: Reader): SaslHandshakeResponse {
  const errorCode = r.int16();
  const count = r.arrayLength();
  const mechanisms: string[] = [];
  for (let i = 0; i < count; i++) mechanisms.push(r.nonNullString());
  return { errorCode, mechanisms };
}

/** SaslHandshake: picks the SASL mechanism of a connection, before SaslAuthenticate. */
export const SaslHandshake = defineApi<SaslHandshakeRequest, SaslHandshakeResponse>({
  name: 'SaslHandshake', apiKey: 17, minVersion: 1, maxVersion: 1, flexibleFrom: Infinity,
  encodeRequest,
  decodeResponse,
});
