import type { Logger } from 'pino';
import { ConfigError } from '../errors';
import type { BrokerTlsOptions } from '../network/brokerSocket';
import { SASL_MECHANISMS, type OauthBearerProvider, type SaslOptions } from '../network/sasl/SaslOptions';

/**
 * The `ssl` and `sasl` options (Java: security.protocol SSL, SASL_PLAINTEXT, SASL_SSL with their
 * ssl.* and sasl.* settings): how they are checked and what they resolve to. Secrets (passwords,
 * private keys) never appear in a ConfigError, and the resolved password is not enumerable, so
 * that logging the resolved configuration (or JSON.stringify, util.inspect) cannot show it.
 */

/** PEM contents, or several (a CA bundle): what node:tls takes. */
export type Pem = string | Buffer | Array<string | Buffer>;

/** TLS settings; every field is optional. See ProducerConfig.ssl. */
export interface SslConfig {
  /** CA certificates (PEM) that may sign the brokers' certificates; default: the system's (Node's bundled Mozilla list). */
  ca?: Pem;
  /** This client's certificate chain (PEM), for brokers that authenticate clients (ssl.client.auth=required). */
  cert?: Pem;
  /** The private key of `cert` (PEM). */
  key?: Pem;
  /** Decrypts an encrypted `key`. */
  passphrase?: string;
  /** The name the brokers' certificates must carry (and SNI); default: the host connected to. */
  servername?: string;
  /** Verify the brokers' certificates and host names. Default true; false only for tests (it is logged as a warning). */
  rejectUnauthorized?: boolean;
}

/** Username and password SASL. Mechanism names are case-insensitive. */
export interface SaslPasswordConfig {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512' | 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  username: string;
  password: string;
}

/** OAUTHBEARER SASL: `oauthBearerProvider` is called for every (re-)authentication. */
export interface SaslOauthBearerConfig {
  mechanism: 'oauthbearer' | 'OAUTHBEARER';
  /** Gives a fresh token (and optional SASL extensions) each time the client (re-)authenticates. */
  oauthBearerProvider: () => Promise<{ value: string; extensions?: Record<string, string> }>;
}

/** SASL settings (see ProducerConfig.sasl): a mechanism with its username and password, or OAUTHBEARER with a token provider. */
export type SaslConfig = SaslPasswordConfig | SaslOauthBearerConfig;

const SSL_KEYS = ['ca', 'cert', 'key', 'passphrase', 'servername', 'rejectUnauthorized'];
const SSL_SHAPE = `ssl: true, or ssl: { ${SSL_KEYS.join(', ')} } (all optional)`;
const SASL_SHAPE =
  "sasl: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512', username, password } or " +
  "{ mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: token }) }";
/** Mechanisms Kafka knows that rxkafka does not implement, with what to do. */
const OTHER_MECHANISMS: Record<string, string> = {
  GSSAPI: 'GSSAPI (Kerberos) is not supported: use SCRAM-SHA-512, or OAUTHBEARER',
  AWS_MSK_IAM: 'AWS_MSK_IAM is not supported: use SCRAM-SHA-512 (MSK supports it), or OAUTHBEARER with an IAM token provider',
};

/** `ssl`: true → TLS with Node's defaults; false → none; an object → TLS with those settings. */
export function parseSsl(raw: unknown, givenName: string): BrokerTlsOptions | undefined {
  if (raw === true) return {};
  if (raw === false) return undefined;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(givenName, `must be true, false or an object: ${SSL_SHAPE}`);
  }
  const given = raw as Record<string, unknown>;
  for (const k of Object.keys(given)) {
    if (!SSL_KEYS.includes(k)) throw new ConfigError(`${givenName}.${k}`, `is not an ssl option; use ${SSL_SHAPE}`);
  }
  const tls: BrokerTlsOptions = {};
  if (given.ca !== undefined) tls.ca = pem(given.ca, `${givenName}.ca`, 'CERTIFICATE');
  if (given.cert !== undefined) tls.cert = pem(given.cert, `${givenName}.cert`, 'CERTIFICATE');
  if (given.key !== undefined) tls.key = pem(given.key, `${givenName}.key`, 'PRIVATE KEY');
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new ConfigError(`${givenName}.${tls.cert === undefined ? 'cert' : 'key'}`, 'is needed too: a client certificate goes with its private key (cert and key)');
  }
  if (given.passphrase !== undefined) {
    if (typeof given.passphrase !== 'string') throw new ConfigError(`${givenName}.passphrase`, `must be a string, got ${typeOf(given.passphrase)}`);
    tls.passphrase = given.passphrase;
  }
  if (given.servername !== undefined) {
    if (typeof given.servername !== 'string' || given.servername === '') {
      throw new ConfigError(`${givenName}.servername`, "must be a host name, e.g. 'kafka.example.com'");
    }
    tls.servername = given.servername;
  }
  if (given.rejectUnauthorized !== undefined) {
    if (typeof given.rejectUnauthorized !== 'boolean') {
      throw new ConfigError(`${givenName}.rejectUnauthorized`, `must be true or false, got ${typeOf(given.rejectUnauthorized)}`);
    }
    tls.rejectUnauthorized = given.rejectUnauthorized;
  }
  return tls;
}

/**
 * PEM text (or Buffers, or an array of them). A string without a PEM header is most likely a
 * file name: node:tls would fail later with an obscure OpenSSL error, so say it now. A key's
 * content is never quoted.
 */
function pem(raw: unknown, name: string, kind: string): Pem {
  const parts = Array.isArray(raw) ? raw : [raw];
  for (const part of parts) {
    if (Buffer.isBuffer(part)) continue;
    if (typeof part !== 'string') throw new ConfigError(name, `must be PEM text (a string or Buffer, or an array of them), got ${typeOf(part)}`);
    if (!part.includes('-----BEGIN ')) {
      throw new ConfigError(
        name,
        `must be the PEM contents ('-----BEGIN ${kind}-----' …), not a file name: read the file, e.g. fs.readFileSync('${kind === 'PRIVATE KEY' ? 'client.key' : 'ca.pem'}', 'utf8')`,
      );
    }
  }
  if (parts.length === 0) throw new ConfigError(name, 'is an empty array: give at least one PEM');
  return raw as Pem;
}

/** `sasl`: checked, with the mechanism in Kafka's spelling and the password hidden from enumeration. */
export function parseSasl(raw: unknown, givenName: string): SaslOptions {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(givenName, `must be an object: ${SASL_SHAPE}`);
  }
  const given = raw as Record<string, unknown>;
  if (typeof given.mechanism !== 'string') {
    throw new ConfigError(`${givenName}.mechanism`, `is required: one of ${SASL_MECHANISMS.map((m) => `'${m.toLowerCase()}'`).join(', ')}`);
  }
  const mechanism = given.mechanism.toUpperCase();
  if (OTHER_MECHANISMS[mechanism] !== undefined) throw new ConfigError(`${givenName}.mechanism`, OTHER_MECHANISMS[mechanism]);
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new ConfigError(
      `${givenName}.mechanism`,
      `'${given.mechanism}' is not a SASL mechanism rxkafka knows: use one of ${SASL_MECHANISMS.map((m) => `'${m.toLowerCase()}'`).join(', ')}`,
    );
  }
  if (mechanism === 'OAUTHBEARER') {
    onlyKeys(given, givenName, mechanism, ['mechanism', 'oauthBearerProvider'], 'oauthBearerProvider');
    if (typeof given.oauthBearerProvider !== 'function') {
      throw new ConfigError(
        `${givenName}.oauthBearerProvider`,
        `is required for OAUTHBEARER: a function returning a promise of { value: token }, got ${typeOf(given.oauthBearerProvider)}`,
      );
    }
    return Object.freeze({ mechanism, oauthBearerProvider: given.oauthBearerProvider as OauthBearerProvider });
  }
  onlyKeys(given, givenName, mechanism, ['mechanism', 'username', 'password'], 'username and password');
  if (typeof given.username !== 'string' || given.username === '') {
    throw new ConfigError(`${givenName}.username`, `is required for ${mechanism}: a non-empty string, got ${typeOf(given.username)}`);
  }
  if (typeof given.password !== 'string' || given.password === '') {
    // Only the type: a password of the wrong type is still a password.
    throw new ConfigError(`${givenName}.password`, `is required for ${mechanism}: a non-empty string, got ${typeOf(given.password)}`);
  }
  return redacted(mechanism as 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512', given.username, given.password);
}

/** A frozen SaslPasswordOptions whose password JSON.stringify, util.inspect and pino do not show. */
function redacted(mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512', username: string, password: string): SaslOptions {
  const options = { mechanism, username } as { mechanism: typeof mechanism; username: string; password: string };
  Object.defineProperty(options, 'password', { value: password, enumerable: false });
  return Object.freeze(options);
}

function onlyKeys(given: Record<string, unknown>, givenName: string, mechanism: string, allowed: string[], what: string): void {
  for (const k of Object.keys(given)) {
    if (!allowed.includes(k) && given[k] !== undefined) {
      throw new ConfigError(`${givenName}.${k}`, `is not a sasl option for ${mechanism}, which takes ${what}`);
    }
  }
}

/** What a value is, without showing it (it may be a secret). */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === '') return 'an empty string';
  return `a ${typeof value}`;
}

/** Cross-option warnings (not errors: tests and local clusters legitimately do both). */
export function warnAboutSecurity(ssl: BrokerTlsOptions | undefined, sasl: SaslOptions | undefined, logger: Logger): void {
  if (ssl?.rejectUnauthorized === false) {
    logger.warn("ssl.rejectUnauthorized is false: the brokers' certificates are not checked, so anyone in between can read and change the traffic; use it for tests only");
  }
  if (sasl?.mechanism === 'PLAIN' && ssl === undefined) {
    logger.warn('sasl PLAIN without ssl sends the password in clear text: enable ssl, or use SCRAM-SHA-512');
  }
}
