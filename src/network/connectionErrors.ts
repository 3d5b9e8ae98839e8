import { AuthenticationError, ConnectionError, RequestTimeoutError } from '../errors';
import type { BrokerTlsOptions } from './brokerSocket';
import { CLOSED_DURING_TLS_HANDSHAKE, tlsHandshakeError } from './tlsFailure';

/**
 * What a connection's failures say, and what to check: the errors of `Connection`, apart from the
 * TLS ones (`tlsFailure.ts`). All are retriable ConnectionErrors except an AuthenticationError,
 * which stays what it is, and a request's own RequestTimeoutError.
 */

/** The error `close(cause)` rejects pending requests with. */
export function closeError(broker: string, cause: Error | undefined): Error {
  // An authentication failure stays what it is: retrying on a new connection would not help.
  if (cause instanceof AuthenticationError || (cause instanceof ConnectionError && cause.broker === broker)) return cause;
  return new ConnectionError(broker, cause ? `closed: ${cause.message}` : 'closed by the client', { cause });
}

/** A request or connect on a connection that is not ready: closed (and why), or not connected yet. */
export function notReadyError(broker: string, state: string, closeCause: Error | undefined): ConnectionError {
  if (state === 'closed') {
    return new ConnectionError(broker, `is closed${closeCause ? ` (${closeCause.message})` : ''}`, { cause: closeCause });
  }
  return new ConnectionError(broker, `is not ready (${state}); call connect() first`);
}

/** Setup (connect, TLS, ApiVersions, SASL) did not finish within `connectionSetupTimeoutMs`. */
export function setupTimeoutError(broker: string, connectionSetupTimeoutMs: number, state: string, tls: boolean, saslMechanism: string | undefined): ConnectionError {
  const steps = ['TCP connect', tls ? 'TLS handshake' : '', 'ApiVersions', saslMechanism ? `SASL ${saslMechanism}` : '']
    .filter((step) => step !== '')
    .join(', ');
  return new ConnectionError(
    broker,
    `not ready within connectionSetupTimeoutMs=${connectionSetupTimeoutMs} ` +
      `(${steps}, stopped in state '${state}'); check the address and that the broker is up`,
  );
}

/**
 * A request got no response within `requestTimeoutMs`: `timeout` for it, `others` for the
 * requests rejected because its connection closes.
 */
export function requestTimeoutErrors(
  broker: string,
  apiName: string,
  requestTimeoutMs: number,
): { timeout: RequestTimeoutError; others: ConnectionError } {
  const timeout = new RequestTimeoutError(broker, apiName, requestTimeoutMs);
  const others = new ConnectionError(
    broker,
    `closed because a ${apiName} request got no response within requestTimeoutMs=${requestTimeoutMs}`,
    { cause: timeout },
  );
  return { timeout, others };
}

/** The moment of a socket error or a close by the broker, as far as telling what it means needs it. */
export interface FailureMoment {
  /** The connection's state when it happened. */
  readonly state: string;
  /** The host connected to (what a certificate is checked against, unless `tls.servername`). */
  readonly host: string;
  readonly tls: BrokerTlsOptions | undefined;
  readonly sasl: boolean;
  /** A response arrived since the connection became ready. */
  readonly answeredSinceReady: boolean;
  /** Requests awaiting a response. */
  readonly inFlightCount: number;
}

/** The error for a close by the broker (its 'end' or 'close'). */
export function closedByBrokerError(broker: string, moment: FailureMoment): ConnectionError {
  return new ConnectionError(broker, closeHint(moment) ?? 'closed by the broker');
}

/** The error for a socket error: a TLS handshake's typed error during setup, else a ConnectionError. */
export function socketError(err: Error & { code?: string }, broker: string, moment: FailureMoment): Error {
  // During setup a TLS socket's errors are mostly its handshake's (TLS 1.3 reports a refused
  // client certificate only after 'secureConnect'): say what to fix.
  const tlsError =
    moment.tls !== undefined && moment.state !== 'ready' ? tlsHandshakeError(err, broker, moment.tls.servername ?? moment.host) : undefined;
  if (tlsError !== undefined) return tlsError;
  const hint = err.code === 'ECONNRESET' ? closeHint(moment) : undefined;
  return new ConnectionError(broker, hint ? `${hint} (${err.message})` : err.message, { cause: err });
}

/**
 * What a close by the broker most likely means when the moment tells: during the TLS handshake
 * (a TLS socket is 'connecting' until it is done), or, without SASL, at the first request after
 * ApiVersions — Kafka's SASL listeners answer ApiVersions, then close a connection that does not
 * authenticate. Either may also be passing, so the error stays retriable.
 */
function closeHint(moment: FailureMoment): string | undefined {
  if (moment.tls !== undefined && moment.state === 'connecting') return CLOSED_DURING_TLS_HANDSHAKE;
  if (!moment.sasl && moment.state === 'ready' && !moment.answeredSinceReady && moment.inFlightCount > 0) {
    return 'closed by the broker at the first request after ApiVersions: if this is a SASL_PLAINTEXT or SASL_SSL listener, set sasl';
  }
  return undefined;
}
