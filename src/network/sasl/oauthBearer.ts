import type { SaslClient } from './SaslClient';
import type { OauthBearerProvider, OauthBearerToken } from './SaslOptions';

/** RFC 7628's separator between key=value pairs. */
const KVSEP = '\u0001';
/** SASL extension keys (RFC 7628 §3.1): letters only. `auth` is the token's own key. */
const EXTENSION_KEY = /^[A-Za-z]+$/;
/** Extension values: printable ASCII, spaces, tabs, line breaks; not the separator. */
const EXTENSION_VALUE = /^[\x21-\x7E \t\r\n]*$/;
/** RFC 6750 b64token: what may follow `Bearer `. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * OAUTHBEARER (RFC 7628) as Kafka uses it (KIP-255, extensions KIP-342): one client message,
 * `n,,<SOH>auth=Bearer <token><SOH>[key=value<SOH>…]<SOH>`, with a token from the user's provider,
 * asked anew for every authentication. A broker that accepts answers with an empty message; one
 * that refuses sends a JSON status, to which the client answers a lone SOH so that the broker can
 * end the exchange with SASL_AUTHENTICATION_FAILED.
 */
export class OauthBearerClient implements SaslClient {
  readonly mechanism = 'OAUTHBEARER';
  /** The broker's error status (JSON), once it refused the token. */
  private serverError: string | undefined = undefined;

  constructor(private readonly provider: OauthBearerProvider) {}

  async start(): Promise<Buffer> {
    let token: OauthBearerToken;
    try {
      token = await this.provider();
    } catch (err) {
      throw new TokenProviderError(err);
    }
    return Buffer.from(`n,,${KVSEP}auth=Bearer ${checkedValue(token)}${KVSEP}${extensions(token)}${KVSEP}`, 'utf8');
  }

  respond(challenge: Buffer): Buffer | null {
    if (challenge.length === 0) return null;
    if (this.serverError !== undefined) throw new Error('the broker sent a challenge after refusing the token');
    this.serverError = challenge.toString('utf8');
    return Buffer.from(KVSEP, 'utf8');
  }

  failureDetail(): string | undefined {
    return this.serverError === undefined ? undefined : `the broker said ${this.serverError}`;
  }
}

/** The user's `oauthBearerProvider` rejected or threw: no token this time (the broker said nothing yet). */
export class TokenProviderError extends Error {
  constructor(cause: unknown) {
    super(`oauthBearerProvider failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

function checkedValue(token: OauthBearerToken): string {
  if (token === null || typeof token !== 'object' || typeof token.value !== 'string') {
    throw new TypeError('oauthBearerProvider must resolve to { value: string, extensions? }');
  }
  // The message is not echoed: a malformed token may still be a secret.
  if (!BEARER_TOKEN.test(token.value)) {
    throw new TypeError('the token from oauthBearerProvider is empty or has characters a bearer token cannot have (RFC 6750)');
  }
  return token.value;
}

function extensions(token: OauthBearerToken): string {
  if (token.extensions === undefined) return '';
  let out = '';
  for (const [key, value] of Object.entries(token.extensions)) {
    if (!EXTENSION_KEY.test(key) || key === 'auth') {
      throw new TypeError(`SASL extension '${key}' from oauthBearerProvider: keys are letters only, and not 'auth'`);
    }
    if (typeof value !== 'string' || !EXTENSION_VALUE.test(value)) {
      throw new TypeError(`SASL extension '${key}' from oauthBearerProvider: values are printable ASCII strings`);
    }
    out += `${key}=${value}${KVSEP}`;
  }
  return out;
}
