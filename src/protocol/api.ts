import type { Reader } from './Reader';
import type { Writer } from './Writer';

/**
 * One Kafka API (Produce, Metadata, …) over the version range rxkafka implements: how to encode a
 * request body and decode a response body at a given version. Headers and framing are common to
 * all APIs (`headers.ts`, `frame.ts`); version negotiation picks the version (`cluster/`).
 *
 * @example
 * const frame = encodeRequest(writer, Metadata, 12, correlationId, 'rxkafka', { topics: ['t'], allowAutoTopicCreation: true });
 */
export interface Api<Req, Res> {
  /** Kafka's name of the API, e.g. `Produce`; used in logs and errors. */
  name: string;
  /** The request's api key. */
  apiKey: number;
  /** The lowest version implemented here. */
  minVersion: number;
  /** The highest version implemented here. */
  maxVersion: number;
  /** The first flexible version (compact types, tagged fields, header v2/v1); Infinity if none. */
  flexibleFrom: number;
  /** Response header version at `version`: 1 for flexible versions (ApiVersions: always 0). */
  responseHeaderVersion(version: number): 0 | 1;
  /** Writes the request body (no size prefix, no header). */
  encodeRequest(w: Writer, version: number, req: Req): void;
  /** Reads the response body; `r` starts after the response header and ends at the frame's end. */
  decodeResponse(r: Reader, version: number): Res;
}

/** Whether `version` of `api` uses the flexible encoding. */
export function isFlexible(api: { flexibleFrom: number }, version: number): boolean {
  return version >= api.flexibleFrom;
}


/**
 * What a protocol file states about its API. The response header version follows from
 * `flexibleFrom` unless the API says otherwise (ApiVersions answers with header v0 at every
 * version, so that a client can read a refusal of a version it guessed too high).
 */
export type ApiDefinition<Req, Res> = Omit<Api<Req, Res>, 'responseHeaderVersion'> & Partial<Pick<Api<Req, Res>, 'responseHeaderVersion'>>;

/**
 * The descriptor of one API: its definition, with header v1 on responses from the first flexible
 * version (KIP-482) when the definition gives no rule of its own.
 *
 * @example
 * export const EndTxn = defineApi<EndTxnRequest, EndTxnResponse>({
 *   name: 'EndTxn', apiKey: 26, minVersion: 0, maxVersion: 4, flexibleFrom: 3,
 *   encodeRequest,
 *   decodeResponse,
 * });
 */
export function defineApi<Req, Res>(definition: ApiDefinition<Req, Res>): Api<Req, Res> {
  const flexibleFrom = definition.flexibleFrom;
  return {
    name: definition.name,
    apiKey: definition.apiKey,
    minVersion: definition.minVersion,
    maxVersion: definition.maxVersion,
    flexibleFrom,
    responseHeaderVersion: definition.responseHeaderVersion ?? ((version) => (version >= flexibleFrom ? 1 : 0)),
    encodeRequest: definition.encodeRequest,
    decodeResponse: definition.decodeResponse,
  };
}
