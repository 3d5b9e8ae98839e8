import { ConnectionError, messageOf, SaslAuthenticationError } from '../../errors';
import { ErrorCode, errorName } from '../../protocol/errorCodes';
import { SaslAuthenticate, type SaslAuthenticateResponse } from '../../protocol/SaslAuthenticate';
import { SaslHandshake } from '../../protocol/SaslHandshake';
import { chooseVersion, type NegotiationSend, type VersionRange } from '../negotiateApiVersions';
import type { Api } from '../../protocol/api';
import { OauthBearerClient, TokenProviderError } from './oauthBearer';
import { PlainClient } from './plain';
import type { SaslClient } from './SaslClient';
import type { SaslOptions } from './SaslOptions';
import { SCRAM_HASHES, ScramClient } from './scram';

/** More rounds than any mechanism here needs (SCRAM: 2, PLAIN and OAUTHBEARER: 1 or 2): a broker looping is an error. */
const MAX_ROUNDS = 8;

/** The SASL client for one (re-)authentication. */
export function createSaslClient(sasl: SaslOptions): SaslClient {
  switch (sasl.mechanism) {
    case 'PLAIN':
      return new PlainClient(sasl.username, sasl.password);
    case 'SCRAM-SHA-256':
    case 'SCRAM-SHA-512':
      return new ScramClient(sasl.mechanism, SCRAM_HASHES[sasl.mechanism], sasl.username, sasl.password);
    case 'OAUTHBEARER':
      return new OauthBearerClient(sasl.oauthBearerProvider);
  }
}

/**
 * Authenticates the connection (Java: `SaslClientAuthenticator`), after ApiVersions: SaslHandshake
 * v1 with the mechanism, then SaslAuthenticate rounds until the mechanism is satisfied. Resolves
 * with the session lifetime the broker gave (ms; 0: unlimited). The same exchange re-authenticates
 * a live connection (KIP-368).
 *
 * Rejects with a SaslAuthenticationError (not retriable) when the broker refuses — credentials,
 * token, mechanism, or a listener without SASL — and with a retriable ConnectionError when the
 * OAUTHBEARER token provider fails (a token service may be back soon).
 */
export async function authenticateSasl(
  broker: string,
  sasl: SaslOptions,
  versions: ReadonlyMap<number, VersionRange>,
  send: NegotiationSend,
): Promise<number> {
  const mechanism = sasl.mechanism;
  const refused = (message: string, cause?: unknown): SaslAuthenticationError =>
    new SaslAuthenticationError(broker, mechanism, message, { cause });
  const versionOf = (api: Api<any, any>): number => {
    try {
      return chooseVersion(broker, versions.get(api.apiKey), api);
    } catch (err) {
      throw refused(`${messageOf(err)} (SASL needs SaslHandshake v1 and SaslAuthenticate: Kafka 1.0 or newer)`, err);
    }
  };

  if (!versions.has(SaslHandshake.apiKey)) {
    throw refused('the broker does not offer SASL (no SaslHandshake in its ApiVersions): connect to its SASL_PLAINTEXT or SASL_SSL listener, or remove sasl');
  }
  const handshake = await send(SaslHandshake, { mechanism }, versionOf(SaslHandshake));
  if (handshake.errorCode === ErrorCode.UNSUPPORTED_SASL_MECHANISM) {
    throw refused(
      `the broker's listener does not enable ${mechanism}; it enables ${handshake.mechanisms.join(', ') || 'none'}: ` +
        'set sasl.mechanism to one of them',
    );
  }
  if (handshake.errorCode === ErrorCode.ILLEGAL_SASL_STATE) {
    throw refused('the broker does not expect SASL on this listener (ILLEGAL_SASL_STATE): connect to its SASL_PLAINTEXT or SASL_SSL listener, or remove sasl');
  }
  if (handshake.errorCode !== ErrorCode.NONE) throw refused(`SaslHandshake failed with ${errorName(handshake.errorCode)}`);

  const authenticateVersion = versionOf(SaslAuthenticate);
  const client = createSaslClient(sasl);
  let message: Buffer;
  try {
    message = await client.start();
  } catch (err) {
    if (err instanceof TokenProviderError) throw new ConnectionError(broker, err.message, { cause: err.cause });
    throw refused(messageOf(err), err);
  }
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const res: SaslAuthenticateResponse = await send(SaslAuthenticate, { authBytes: message }, authenticateVersion);
    if (res.errorCode !== ErrorCode.NONE) throw refused(describeRefusal(res, client));
    let next: Buffer | null;
    try {
      next = client.respond(res.authBytes);
    } catch (err) {
      throw refused(messageOf(err), err);
    }
    if (next === null) return res.sessionLifetimeMs;
    message = next;
  }
  throw refused(`the broker kept the exchange going past ${MAX_ROUNDS} rounds`);
}

/** The broker's refusal, in its words when it gave some, plus what to check. */
function describeRefusal(res: SaslAuthenticateResponse, client: SaslClient): string {
  const said = res.errorMessage ?? errorName(res.errorCode);
  const detail = client.failureDetail?.();
  // Kafka's OAUTHBEARER refusal repeats the status the client quotes ({"status":"invalid_token"}): once is enough.
  if (detail?.includes(said)) return `${detail}; ${adviceFor(client)}`;
  return `${said}${detail ? ` (${detail})` : ''}; ${adviceFor(client)}`;
}

/** What the user should check after a refusal by `client`'s mechanism. */
function adviceFor(client: SaslClient): string {
  return client.mechanism === 'OAUTHBEARER'
    ? 'check the token oauthBearerProvider returns (expiry, audience, signature)'
    : 'check sasl.username and sasl.password, and that the user exists for this mechanism on the broker';
}
