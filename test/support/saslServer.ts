/**
 * The broker's side of Kafka's SASL mechanisms, for tests (the mock cluster has no SASL): what a
 * SASL_PLAINTEXT listener checks, per connection, from SaslHandshake to the end of the session.
 * Used by the SASL front (SaslFront.ts), which kcat proves right, and by the unit tests' fake
 * broker. Behaviour follows Kafka's SaslServerAuthenticator where a client would notice it:
 *
 * - SaslHandshake with a mechanism not enabled: UNSUPPORTED_SASL_MECHANISM (33) and the list;
 *   SaslAuthenticate before a handshake: ILLEGAL_SASL_STATE (34).
 * - A refusal: SASL_AUTHENTICATION_FAILED (58) with a message (then the connection closes).
 * - OAUTHBEARER refuses a token with a JSON status challenge; the client's lone 0x01 gets the 58.
 * - The session lifetime (KIP-368, SaslAuthenticate v1+): the configured one, capped by an
 *   OAUTHBEARER token's expiry; re-authentication must keep the mechanism and the principal.
 */
import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import type { SaslMechanismName } from '../../src/network/sasl/SaslOptions';
import { SCRAM_HASHES, scramAttributes, scramHmac, scramKeys, xor, type ScramHash } from '../../src/network/sasl/scram';
import type { SaslAuthenticateResponse } from '../../src/protocol/SaslAuthenticate';
import type { SaslHandshakeResponse } from '../../src/protocol/SaslHandshake';

export interface SaslServerConfig {
  /** Mechanisms the listener enables. */
  mechanisms: SaslMechanismName[];
  /** PLAIN and SCRAM users: name → password. */
  users: Record<string, string>;
  /** Session lifetime granted (ms); 0 or absent: unlimited. */
  sessionLifetimeMs?: number;
  /** Wall clock (token expiry). */
  now?: () => number;
}

const ILLEGAL_SASL_STATE = 34;
const UNSUPPORTED_SASL_MECHANISM = 33;
const SASL_AUTHENTICATION_FAILED = 58;
const SCRAM_ITERATIONS = 4096;

/** A mechanism's refusal, with the message the broker sends. */
class Refused extends Error {}

interface Step {
  challenge: Buffer;
  /** Set when the exchange succeeded: who authenticated, and until when a token is valid (ms, wall clock). */
  principal?: string;
  validUntilMs?: number;
}

type MechanismServer = (message: Buffer) => Step;

/** One connection's SASL state on the broker side. */
export class SaslServerSession {
  /** The mechanism of the last handshake; null before one. */
  mechanism: string | null = null;
  /** Who authenticated; null until the first success. */
  principal: string | null = null;
  /** When the session ends (wall clock ms); Infinity without a lifetime or before authentication. */
  expiresAtMs = Infinity;
  /** Successful authentications on this connection (re-authentications included). */
  authentications = 0;
  /** SASL extensions of the last OAUTHBEARER message. */
  extensions: Record<string, string> = {};
  private step: MechanismServer | null = null;
  private readonly now: () => number;

  constructor(private readonly config: SaslServerConfig) {
    this.now = config.now ?? Date.now;
  }

  get authenticated(): boolean {
    return this.principal !== null;
  }

  /** True when the session granted has ended (a request now must be refused, by closing). */
  expired(): boolean {
    return this.now() >= this.expiresAtMs;
  }

  handshake(mechanism: string): SaslHandshakeResponse {
    const enabled = this.config.mechanisms as string[];
    if (!enabled.includes(mechanism)) return { errorCode: UNSUPPORTED_SASL_MECHANISM, mechanisms: enabled };
    if (this.mechanism !== null && this.principal !== null && mechanism !== this.mechanism) {
      return { errorCode: ILLEGAL_SASL_STATE, mechanisms: enabled };
    }
    this.mechanism = mechanism;
    this.step = this.mechanismServer(mechanism);
    return { errorCode: 0, mechanisms: enabled };
  }

  /** One SaslAuthenticate; `failed`: the broker closes the connection after answering. */
  authenticate(authBytes: Buffer, version: number): SaslAuthenticateResponse & { failed: boolean } {
    const answer = (errorCode: number, errorMessage: string | null, challenge: Buffer, lifetimeMs: number, failed: boolean) => ({
      errorCode,
      errorMessage,
      authBytes: challenge,
      sessionLifetimeMs: version >= 1 ? lifetimeMs : 0,
      failed,
    });
    if (this.step === null) return answer(ILLEGAL_SASL_STATE, 'SaslAuthenticate before SaslHandshake', Buffer.alloc(0), 0, true);
    let step: Step;
    try {
      step = this.step(authBytes);
    } catch (err) {
      this.step = null;
      const message = err instanceof Refused ? err.message : `malformed SASL message: ${String(err)}`;
      return answer(SASL_AUTHENTICATION_FAILED, message, Buffer.alloc(0), 0, true);
    }
    if (step.principal === undefined) return answer(0, null, step.challenge, 0, false);
    this.step = null;
    if (this.principal !== null && step.principal !== this.principal) {
      return answer(SASL_AUTHENTICATION_FAILED, 'Cannot change principals during re-authentication', Buffer.alloc(0), 0, true);
    }
    this.principal = step.principal;
    this.authentications++;
    const configured = this.config.sessionLifetimeMs ?? 0;
    const untilToken = step.validUntilMs === undefined ? Infinity : step.validUntilMs - this.now();
    const lifetimeMs = Math.min(configured > 0 ? configured : Infinity, untilToken);
    this.expiresAtMs = lifetimeMs === Infinity ? Infinity : this.now() + lifetimeMs;
    return answer(0, null, step.challenge, lifetimeMs === Infinity ? 0 : Math.max(1, Math.floor(lifetimeMs)), false);
  }

  private mechanismServer(mechanism: string): MechanismServer {
    if (mechanism === 'PLAIN') return (m) => this.plain(m);
    if (mechanism === 'OAUTHBEARER') return oauthBearerServer(this.now, (e) => (this.extensions = e));
    return scramServer(mechanism, SCRAM_HASHES[mechanism as keyof typeof SCRAM_HASHES], this.config.users);
  }

  private plain(message: Buffer): Step {
    const [authzid, user, password] = message.toString('utf8').split('\u0000');
    if (password === undefined || (authzid !== '' && authzid !== user)) throw new Refused('Invalid SASL/PLAIN message');
    if (this.config.users[user] !== password) throw new Refused('Authentication failed: Invalid username or password');
    return { challenge: Buffer.alloc(0), principal: user };
  }
}

/** SCRAM's two steps (RFC 5802), the broker checking the proof against the keys of the user's password. */
function scramServer(mechanism: string, hash: ScramHash, users: Record<string, string>): MechanismServer {
  const invalid = `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`;
  let first: { bare: string; serverFirst: string; nonce: string; user: string; salt: Buffer } | null = null;
  return (message) => {
    const text = message.toString('utf8');
    if (first === null) {
      if (!text.startsWith('n,,')) throw new Refused('SCRAM: channel binding is not supported');
      const bare = text.slice(3);
      const a = scramAttributes(bare);
      const user = (a.get('n') ?? '').replace(/=2C/g, ',').replace(/=3D/g, '=');
      const clientNonce = a.get('r');
      if (clientNonce === undefined || users[user] === undefined) throw new Refused(invalid);
      const nonce = clientNonce + randomBytes(18).toString('base64');
      const salt = randomBytes(16);
      const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${SCRAM_ITERATIONS}`;
      first = { bare, serverFirst, nonce, user, salt };
      return { challenge: Buffer.from(serverFirst, 'utf8') };
    }
    const proofAt = text.lastIndexOf(',p=');
    const a = scramAttributes(text);
    // Kafka checked endsWith (equals only in recent releases): librdkafka 2.0.2, kcat's, sends
    // its own nonce again before the combined one, and signs what it sent.
    if (proofAt < 0 || a.get('c') !== 'biws' || !(a.get('r') ?? '').endsWith(first.nonce)) throw new Refused(invalid);
    const withoutProof = text.slice(0, proofAt);
    const authMessage = `${first.bare},${first.serverFirst},${withoutProof}`;
    const keys = scramKeys(hash, users[first.user], first.salt, SCRAM_ITERATIONS);
    const clientKey = xor(Buffer.from(a.get('p') ?? '', 'base64'), scramHmac(hash, keys.storedKey, authMessage));
    const storedKey = createHash(hash).update(clientKey).digest();
    if (storedKey.length !== keys.storedKey.length || !timingSafeEqual(storedKey, keys.storedKey)) throw new Refused(invalid);
    const signature = scramHmac(hash, keys.serverKey, authMessage).toString('base64');
    return { challenge: Buffer.from(`v=${signature}`, 'utf8'), principal: first.user };
  };
}

/**
 * OAUTHBEARER with unsecured JWS tokens (`alg: none`, as librdkafka's and Kafka's test login
 * modules make them): the token's `sub` is the principal, `exp` (seconds) its expiry.
 */
function oauthBearerServer(now: () => number, onExtensions: (e: Record<string, string>) => void): MechanismServer {
  let refusal: string | null = null;
  return (message) => {
    const text = message.toString('utf8');
    if (refusal !== null) {
      if (text !== '\u0001') throw new Refused('OAUTHBEARER: expected the client to acknowledge the error');
      throw new Refused(`invalid_token: ${refusal}`);
    }
    const parts = text.split('\u0001');
    if (!parts[0].startsWith('n,') || parts[parts.length - 1] !== '' || parts[parts.length - 2] !== '') {
      throw new Refused('Invalid OAUTHBEARER client first message');
    }
    const pairs = new Map<string, string>();
    for (const kv of parts.slice(1, -2)) {
      const eq = kv.indexOf('=');
      pairs.set(kv.slice(0, eq), kv.slice(eq + 1));
    }
    const auth = /^Bearer (\S+)$/.exec(pairs.get('auth') ?? '');
    pairs.delete('auth');
    onExtensions(Object.fromEntries(pairs));
    const claims = auth === null ? null : unsecuredClaims(auth[1]);
    const problem =
      claims === null
        ? 'not an unsecured JWS'
        : typeof claims.sub !== 'string'
          ? 'no sub claim'
          : typeof claims.exp !== 'number'
            ? 'no exp claim'
            : claims.exp * 1000 <= now()
              ? 'the token expired'
              : null;
    if (problem !== null) {
      refusal = problem;
      return { challenge: Buffer.from(JSON.stringify({ status: 'invalid_token' }), 'utf8') };
    }
    return { challenge: Buffer.alloc(0), principal: claims!.sub as string, validUntilMs: (claims!.exp as number) * 1000 };
  };
}

function unsecuredClaims(token: string): Record<string, unknown> | null {
  const [header, payload, signature] = token.split('.');
  if (payload === undefined || signature !== '') return null;
  try {
    const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
    if (h.alg !== 'none') return null;
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** An unsecured JWS (header `{"alg":"none"}`) for `sub`, expiring at `expMs` (wall clock). */
export function unsecuredToken(sub: string, expMs: number, issuedMs = Date.now()): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub, iat: Math.floor(issuedMs / 1000), exp: Math.floor(expMs / 1000) })}.`;
}
