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
