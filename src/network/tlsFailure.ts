import { SslAuthenticationError } from '../errors';

/** Certificate verification failures (OpenSSL's X509_V_ERR names, as Node reports them): the chain is not trusted. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
]);
const NOT_VALID_NOW = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** TLS alerts by which a broker refuses our certificate (or the lack of one). */
const CLIENT_REFUSED = /ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|ACCESS_DENIED)$/;
/** What OpenSSL says when the other side does not speak TLS at all. */
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST']);

/**
 * The typed error for a socket error during the TLS handshake with `broker` (`host` as
 * connected to), or undefined when it is not about TLS (a refused or reset TCP connection stays a
 * retriable ConnectionError). Each message names what to check: no retry would change the outcome.
 */
export function tlsHandshakeError(err: Error & { code?: string }, broker: string, host: string): SslAuthenticationError | undefined {
  const code = err.code ?? '';
  const fail = (advice: string): SslAuthenticationError =>
    new SslAuthenticationError(broker, code, `${err.message} (${code}): ${advice}`, { cause: err });
  if (UNTRUSTED.has(code)) {
    return fail(
      "the broker's certificate is not signed by a CA this client trusts: set ssl.ca to the CA certificate (PEM) " +
        "that signed the broker's certificate (the system CAs are used when ssl.ca is not set)",
    );
  }
  if (NOT_VALID_NOW.has(code)) return fail("check the validity dates of the broker's certificate and this machine's clock");
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return fail(
      `the broker's certificate is not for '${host}': connect with a name its certificate lists (the address ` +
        'the broker advertises), or set ssl.servername to the name it was issued for',
    );
  }
  if (NOT_TLS.has(code)) {
    return fail('the broker does not speak TLS on this port: is it a PLAINTEXT or SASL_PLAINTEXT listener? Then remove ssl');
  }
  if (CLIENT_REFUSED.test(code)) {
    return fail("the broker refused this client's certificate: set ssl.cert and ssl.key to a certificate the broker's truststore accepts");
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return fail('check the ssl options against the broker listener');
  return undefined;
}

/**
 * The typed error when a broker answers a plaintext connection in TLS: `chunk` is the first one
 * of a response and opens a TLS record (an alert or a handshake, version 3.x) — an SSL or
 * SASL_SSL listener answering our ApiVersions with an alert. As a Kafka frame its size prefix
 * would be over 350 MB, so no Kafka response starts this way, and another attempt would get the
 * same answer: not retried. Undefined for anything else.
 */
export function tlsAnswerError(chunk: Buffer, broker: string): SslAuthenticationError | undefined {
  const tlsRecord = chunk.length >= 3 && (chunk[0] === TLS_ALERT || chunk[0] === TLS_HANDSHAKE) && chunk[1] === 3 && chunk[2] <= 4;
  if (!tlsRecord) return undefined;
  return new SslAuthenticationError(
    broker,
    'TLS_EXPECTED',
    'the broker answered in TLS: this port is an SSL or SASL_SSL listener; set ssl (true, or { ca } for a private CA), or connect to its PLAINTEXT or SASL_PLAINTEXT listener',
  );
}

/** TLS record content types (RFC 8446 §5.1). */
const TLS_ALERT = 21;
const TLS_HANDSHAKE = 22;

/**
 * What a TLS connection that the broker closed during the handshake, without a word, most likely
 * means. Kafka's PLAINTEXT and SASL_PLAINTEXT listeners read a TLS hello as a request of 350 MB
 * and close at once; but a listener over max.connections.per.ip closes new connections the same
 * way, and that passes, so the connection error stays retriable (as in Java) and says both.
 */
export const CLOSED_DURING_TLS_HANDSHAKE =
  'closed by the broker during the TLS handshake: if this is a PLAINTEXT or SASL_PLAINTEXT listener, remove ssl ' +
  '(or connect to its SSL or SASL_SSL listener); otherwise the broker may be refusing connections (max.connections.per.ip)';
