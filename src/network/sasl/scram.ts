import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SaslClient } from './SaslClient';

/**
 * SCRAM (RFC 5802) with SHA-256 (RFC 7677) or SHA-512, as Kafka's SCRAM-SHA-256/512 use it:
 * no channel binding (gs2 header `n,,`), the password's UTF-8 bytes as they are (Kafka does not
 * SASLprep them), at least 4096 iterations (Java's minimum). SHA-1 is here only so that RFC
 * 5802's own test vector can check the computation.
 *
 *   client-first  n,,n=<user>,r=<client nonce>
 *   server-first  r=<client nonce + server nonce>,s=<salt, base64>,i=<iterations>
 *   client-final  c=biws,r=<nonce>,p=<ClientKey XOR HMAC(StoredKey, AuthMessage), base64>
 *   server-final  v=<HMAC(ServerKey, AuthMessage), base64>   (or e=<error>)
 */

export type ScramHash = 'sha1' | 'sha256' | 'sha512';

/** Kafka's mechanism names and their hash. */
export const SCRAM_HASHES = { 'SCRAM-SHA-256': 'sha256', 'SCRAM-SHA-512': 'sha512' } as const;

/** Java's `ScramMechanism.minIterations()`: fewer would make a stolen exchange cheap to brute-force. */
export const SCRAM_MIN_ITERATIONS = 4096;

/** `c=biws`: base64 of the gs2 header `n,,` (no channel binding). */
const CHANNEL_BINDING = 'biws';

/** The keys both sides derive from the password (RFC 5802 §3). */
export interface ScramKeys {
  clientKey: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

export function scramHmac(hash: ScramHash, key: Buffer, data: string): Buffer {
  return createHmac(hash, key).update(data, 'utf8').digest();
}

export function scramKeys(hash: ScramHash, password: string, salt: Buffer, iterations: number): ScramKeys {
  const digestBytes = createHash(hash).digest().length;
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, digestBytes, hash);
  const clientKey = scramHmac(hash, salted, 'Client Key');
  return {
    clientKey,
    storedKey: createHash(hash).update(clientKey).digest(),
    serverKey: scramHmac(hash, salted, 'Server Key'),
  };
}

export function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** `k=v,k=v` attributes of a SCRAM message; values may contain '=' (base64). */
export function scramAttributes(message: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) attributes.set(part[0], part.slice(2));
  }
  return attributes;
}

/** RFC 5802 saslname: ',' and '=' are escaped in the username. */
export function scramUsername(username: string): string {
  return username.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** A client nonce: printable, no ',' (base64 has none). */
export function scramNonce(): string {
  return randomBytes(24).toString('base64');
}

/** The client side of one SCRAM exchange; states: first sent → final sent → done. */
export class ScramClient implements SaslClient {
  /** `n=<user>,r=<nonce>`: part of the AuthMessage both sides sign. */
  private readonly clientFirstBare: string;
  /** HMAC(ServerKey, AuthMessage), set once client-final is written; the server must prove it knows it. */
  private expectedServerSignature: Buffer | null = null;
  private done = false;

  constructor(
    readonly mechanism: string,
    private readonly hash: ScramHash,
    username: string,
    private readonly password: string,
    private readonly nonce: string = scramNonce(),
  ) {
    this.clientFirstBare = `n=${scramUsername(username)},r=${nonce}`;
  }

  start(): Promise<Buffer> {
    return Promise.resolve(Buffer.from(`n,,${this.clientFirstBare}`, 'utf8'));
  }

  respond(challenge: Buffer): Buffer | null {
    if (this.done) throw new Error('the broker sent a challenge after the SCRAM exchange was complete');
    if (this.expectedServerSignature === null) return this.clientFinal(challenge.toString('utf8'));
    this.verifyServerFinal(challenge.toString('utf8'));
    this.done = true;
    return null;
  }

  private clientFinal(serverFirst: string): Buffer {
    const a = scramAttributes(serverFirst);
    if (serverFirst.startsWith('m=')) throw new Error('the broker requires a SCRAM extension rxkafka does not know');
    const nonce = a.get('r');
    const salt = a.get('s');
    const iterations = Number(a.get('i'));
    if (nonce === undefined || salt === undefined || !Number.isInteger(iterations)) {
      throw new Error(`the broker's first SCRAM message is malformed: '${serverFirst}'`);
    }
    if (!nonce.startsWith(this.nonce) || nonce.length === this.nonce.length) {
      throw new Error("the broker's SCRAM nonce does not extend the client's (a replayed or forged exchange)");
    }
    if (iterations < SCRAM_MIN_ITERATIONS) {
      throw new Error(`the broker asks for ${iterations} SCRAM iterations, fewer than the safe minimum ${SCRAM_MIN_ITERATIONS}`);
    }
    const keys = scramKeys(this.hash, this.password, Buffer.from(salt, 'base64'), iterations);
    const withoutProof = `c=${CHANNEL_BINDING},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const proof = xor(keys.clientKey, scramHmac(this.hash, keys.storedKey, authMessage));
    this.expectedServerSignature = scramHmac(this.hash, keys.serverKey, authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  private verifyServerFinal(serverFinal: string): void {
    const a = scramAttributes(serverFinal);
    const error = a.get('e');
    if (error !== undefined) throw new Error(`the broker refused the SCRAM proof: ${error}`);
    const signature = Buffer.from(a.get('v') ?? '', 'base64');
    const expected = this.expectedServerSignature!;
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new Error("the broker's SCRAM signature is wrong: it does not know this user's credentials (is it the broker you meant?)");
    }
  }
}
