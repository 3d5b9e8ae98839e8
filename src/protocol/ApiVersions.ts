/**
 * ApiVersions (api key 18), versions 0–3; v3 is flexible.
 *
 *   ApiVersionsRequest v0–v2 => (empty)
 *   ApiVersionsRequest v3    => client_software_name:COMPACT_STRING client_software_version:COMPACT_STRING TAG_BUFFER
 *
 *   ApiVersionsResponse v0   => error_code:INT16 [api_key:INT16 min_version:INT16 max_version:INT16]
 *   ApiVersionsResponse v1–2 => error_code:INT16 [api_key min_version max_version] throttle_time_ms:INT32
 *   ApiVersionsResponse v3   => error_code:INT16 COMPACT[api_key min_version max_version TAG_BUFFER]
 *                               throttle_time_ms:INT32 TAG_BUFFER
 *     (tags 0 SupportedFeatures, 1 FinalizedFeaturesEpoch, 2 FinalizedFeatures, 3 ZkMigrationReady: skipped)
 *
 * The response header is always v0, even for v3: a client that does not yet know what the broker
 * supports must be able to read the answer.
 *
 * Two irregular layouts are accepted (see `decodeResponse`): the v0 body a broker sends with
 * UNSUPPORTED_VERSION, and the v3 body written by librdkafka's mock cluster.
 */
import { ProtocolDecodeError } from '../errors';
import { defineApi } from './api';
import { ErrorCode } from './errorCodes';
import type { Reader } from './Reader';
import type { Writer } from './Writer';

/** ApiVersions request. The fields are only sent from v3. */
export interface ApiVersionsRequest {
  clientSoftwareName: string;
  clientSoftwareVersion: string;
}

/** One API's supported version range, as the broker advertises it. */
export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/** ApiVersions response. `throttleTimeMs` is 0 for v0 (and for the v0 fallback body). */
export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersionRange[];
  throttleTimeMs: number;
}

/** The api-key array: int32-counted (v0–v2) or compact (v3), entries with or without tags. */
function readApiKeys(r: Reader, compact: boolean, entryTags: boolean): ApiVersionRange[] {
  const count = compact ? r.compactArrayLength() : r.arrayLength();
  const apiKeys: ApiVersionRange[] = [];
  for (let i = 0; i < count; i++) {
    const apiKey = r.int16();
    const minVersion = r.int16();
    const maxVersion = r.int16();
    if (entryTags) r.skipTaggedFields();
    apiKeys.push({ apiKey, minVersion, maxVersion });
  }
  return apiKeys;
}

/** The body as the schema defines it for `version`. */
function decodeStandard(r: Reader, version: number): ApiVersionsResponse {
  const flexible = version >= 3;
  const errorCode = r.int16();
  const apiKeys = readApiKeys(r, flexible, flexible);
  const throttleTimeMs = version >= 1 ? r.int32() : 0;
  if (flexible) r.skipTaggedFields();
  return { errorCode, apiKeys, throttleTimeMs };
}

/**
 * The v3 body as librdkafka's mock cluster (2.x, through 2.12 at least) writes it: it hand-crafts
 * the response and writes the api-key count as a single byte holding N (not N+1), writes the
 * entries without their tagged-field byte, and may omit the final tagged-field section.
 */
function decodeMockLayout(r: Reader): ApiVersionsResponse {
  const errorCode = r.int16();
  const count = r.uvarint();
  if (count > r.remaining) throw new ProtocolDecodeError(`api key count ${count} exceeds the body`);
  const apiKeys: ApiVersionRange[] = [];
  for (let i = 0; i < count; i++) {
    apiKeys.push({ apiKey: r.int16(), minVersion: r.int16(), maxVersion: r.int16() });
  }
  const throttleTimeMs = r.int32();
  if (r.remaining > 0) r.skipTaggedFields();
  return { errorCode, apiKeys, throttleTimeMs };
}

/** A fallback layout is only believed if every range is a real range. */
function isPlausible(res: ApiVersionsResponse): boolean {
  for (let i = 0; i < res.apiKeys.length; i++) {
    const k = res.apiKeys[i];
    if (k.apiKey < 0 || k.minVersion < 0 || k.minVersion > k.maxVersion) return false;
  }
  return true;
}

/** Decodes with `layout` from `start`; the result if it is plausible and consumes the body exactly. */
function tryLayout(
  r: Reader,
  start: number,
  layout: (r: Reader, version: number) => ApiVersionsResponse,
  version: number,
): ApiVersionsResponse | null {
  r.offset = start;
  try {
    const res = layout(r, version);
    if (r.remaining === 0 && isPlausible(res)) return res;
  } catch (err) {
    if (!(err instanceof ProtocolDecodeError)) throw err;
  }
  return null;
}

/**
 * Decodes a response body that must end exactly at `r.end` (the frame's end).
 *
 * Why the fallbacks:
 * - A broker that does not support the requested version answers UNSUPPORTED_VERSION with a v0
 *   body (KIP-511), whatever version was asked, listing at least its ApiVersions range so the
 *   client can retry lower. Kafka's Java client re-reads such bodies as v0; so does this.
 * - librdkafka's mock cluster, the broker of our integration tests, answers v3 with the layout
 *   of `decodeMockLayout`. A strict decoder would fail (or, worse, read garbage) and never learn
 *   the versions. For v3, when the standard decode fails or leaves bytes over, the mock layout is
 *   tried, and whichever layout consumes the body exactly (with sane ranges) wins.
 */
function decodeResponse(r: Reader, version: number): ApiVersionsResponse {
  const start = r.offset;
  const errorCode = r.int16();
  r.offset = start;
  if (errorCode === ErrorCode.UNSUPPORTED_VERSION && version > 0) {
    const v0 = tryLayout(r, start, decodeStandard, 0);
    if (v0 !== null) return v0;
    r.offset = start;
  }
  if (version < 3) return decodeStandard(r, version);

  let standardError: ProtocolDecodeError | null = null;
  try {
    const res = decodeStandard(r, version);
    if (r.remaining === 0) return res;
  } catch (err) {
    if (!(err instanceof ProtocolDecodeError)) throw err;
    standardError = err;
  }
  const mock = tryLayout(r, start, decodeMockLayout, version);
  if (mock !== null) return mock;
  throw standardError ?? new ProtocolDecodeError(`ApiVersions v${version} response has ${r.end - start} bytes that no known layout explains`);
}

/** ApiVersions: what the broker supports; the first request on every connection. */
export const ApiVersions = defineApi<ApiVersionsRequest, ApiVersionsResponse>({
  name: 'ApiVersions', apiKey: 18, minVersion: 0, maxVersion: 3, flexibleFrom: 3,
  responseHeaderVersion: () => 0,
  encodeRequest(w: Writer, version: number, req: ApiVersionsRequest): void {
    if (version < 3) return;
    w.compactString(req.clientSoftwareName).compactString(req.clientSoftwareVersion).emptyTaggedFields();
  },
  decodeResponse,
});
