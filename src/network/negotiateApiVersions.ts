import { ProtocolDecodeError, RxKafkaError } from '../errors';
import type { Api } from '../protocol/api';
import { ApiVersions, type ApiVersionRange, type ApiVersionsResponse } from '../protocol/ApiVersions';
import { ErrorCode, kafkaError } from '../protocol/errorCodes';
import { CLIENT_SOFTWARE_NAME, CLIENT_SOFTWARE_VERSION } from './clientSoftware';

/** What negotiation learnt: the ApiVersions version that worked and the broker's ranges. */
export interface NegotiatedVersions {
  version: number;
  apiKeys: ApiVersionRange[];
}

/** A broker's supported version range for one API. */
export interface VersionRange {
  minVersion: number;
  maxVersion: number;
}

/** Sends one request at an explicit version on the connection being negotiated. */
export type NegotiationSend = (api: Api<any, any>, req: unknown, version: number) => Promise<any>;

const REQUEST = { clientSoftwareName: CLIENT_SOFTWARE_NAME, clientSoftwareVersion: CLIENT_SOFTWARE_VERSION };

/**
 * The first exchange on every connection: ApiVersions at the highest version rxkafka knows,
 * stepping down as librdkafka does when the broker is older —
 * - UNSUPPORTED_VERSION: retry at the broker's own max ApiVersions version if its (v0) answer
 *   lists one, else one version lower;
 * - a body that does not decode (a broker with its own idea of the layout): one version lower,
 *   on the same connection (the frame itself was intact, so the stream is in sync).
 */
export async function negotiateApiVersions(broker: string, send: NegotiationSend): Promise<NegotiatedVersions> {
  let version = ApiVersions.maxVersion;
  for (;;) {
    let response: ApiVersionsResponse;
    try {
      response = await send(ApiVersions, REQUEST, version);
    } catch (err) {
      if (err instanceof ProtocolDecodeError && version > ApiVersions.minVersion) {
        version--;
        continue;
      }
      throw err;
    }
    if (response.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
      const advertised = findRange(response.apiKeys, ApiVersions.apiKey);
      const next = advertised !== undefined && advertised.maxVersion < version ? advertised.maxVersion : version - 1;
      if (next < ApiVersions.minVersion) {
        throw new RxKafkaError(
          `broker ${broker} refused every ApiVersions version rxkafka knows (v${ApiVersions.minVersion}..v${ApiVersions.maxVersion}); ` +
            'it is not a Kafka broker rxkafka can talk to (Kafka 0.11 or newer is needed)',
          false,
        );
      }
      version = next;
      continue;
    }
    if (response.errorCode !== ErrorCode.NONE) {
      throw kafkaError(response.errorCode, `ApiVersions v${version} from ${broker}`);
    }
    return { version, apiKeys: response.apiKeys };
  }
}

function findRange(apiKeys: ApiVersionRange[], apiKey: number): ApiVersionRange | undefined {
  for (let i = 0; i < apiKeys.length; i++) if (apiKeys[i].apiKey === apiKey) return apiKeys[i];
  return undefined;
}

/**
 * The highest version of `api` both rxkafka and the broker (`range`, undefined if it lacks the
 * API) support. Throws a non-retriable RxKafkaError naming both ranges when there is none.
 */
export function chooseVersion(
  broker: string,
  range: VersionRange | undefined,
  api: Api<any, any>,
): number {
  const ours = `v${api.minVersion}..v${api.maxVersion}`;
  if (range === undefined) {
    throw new RxKafkaError(
      `broker ${broker} does not support ${api.name} (api key ${api.apiKey}) at all; ` +
        `rxkafka needs ${ours}: upgrade the broker (Kafka 0.11 or newer)`,
      false,
    );
  }
  const max = Math.min(range.maxVersion, api.maxVersion);
  const min = Math.max(range.minVersion, api.minVersion);
  if (max < min) {
    throw new RxKafkaError(
      `no common version of ${api.name} (api key ${api.apiKey}): broker ${broker} supports ` +
        `v${range.minVersion}..v${range.maxVersion}, rxkafka supports ${ours}; ` +
        (range.maxVersion < api.minVersion ? 'upgrade the broker' : 'upgrade rxkafka'),
      false,
    );
  }
  return max;
}
