import type { Logger } from 'pino';
import type { Time } from '../time/Time';
import type { BrokerTlsOptions } from './brokerSocket';
import type { SaslOptions } from './sasl/SaslOptions';

/** Default `maxFrameBytes`: Java's default `socket.request.max.bytes` is 100 MiB too. */
export const DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;

export interface ConnectionOptions {
  host: string;
  port: number;
  /** The broker's node id; negative for a bootstrap address (whose id is not known yet). */
  nodeId: number;
  clientId: string;
  requestTimeoutMs: number;
  /** Bounds TCP connect, TLS handshake, ApiVersions negotiation and SASL authentication together. */
  connectionSetupTimeoutMs: number;
  logger: Logger;
  /** A response size prefix above this is a ProtocolDecodeError. Default 100 MiB. */
  maxFrameBytes?: number;
  /** Setup and request timers, and the clock of request deadlines; default real time. Tests give a virtual one. */
  time?: Time;
  /** TLS (Java: security.protocol SSL / SASL_SSL); absent: plaintext. */
  tls?: BrokerTlsOptions;
  /** SASL authentication after ApiVersions (Java: SASL_PLAINTEXT / SASL_SSL); absent: none. */
  sasl?: SaslOptions;
  /** Uniform [0, 1) for the re-authentication jitter; tests may inject one. */
  random?: () => number;
}

export interface SendOptions {
  /** The version to use; default: the highest both sides support (`versionFor`). */
  version?: number;
  /**
   * False for requests the broker does not answer (Produce with acks=0): the promise resolves
   * with `undefined` once the frame was flushed to the socket.
   */
  expectResponse?: boolean;
}
