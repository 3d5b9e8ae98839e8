import type { Reader } from './Reader';
import type { Writer } from './Writer';

/**
 * Request header v1 (apiKey, apiVersion, correlationId, clientId) or, for flexible request
 * versions, v2 (v1 followed by a tagged-field section).
 *
 * clientId keeps the int16-length STRING encoding even in v2: a broker must be able to read the
 * header of any ApiVersions request, including versions newer than it knows.
 */
export function writeRequestHeader(
  w: Writer,
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  clientId: string | null,
  flexible: boolean,
): void {
  w.int16(apiKey).int16(apiVersion).int32(correlationId).string(clientId);
  if (flexible) w.emptyTaggedFields();
}

/**
 * Reads a response header and returns its correlation id. v1 (flexible responses) adds a
 * tagged-field section, which is skipped. ApiVersions responses always use v0.
 */
export function readResponseHeader(r: Reader, headerVersion: 0 | 1): number {
  const correlationId = r.int32();
  if (headerVersion === 1) r.skipTaggedFields();
  return correlationId;
}
