import type * as net from 'node:net';
import type { Logger } from 'pino';
import type { SchedulerLike } from 'rxjs';
import { ConnectionError, ProtocolDecodeError, RxKafkaError } from '../errors';
import type { Api } from '../protocol/api';
import { after, realTime, type Time } from '../time/Time';
import { formatAddress } from './address';
import { openBrokerSocket, releaseBrokerSocket, type SocketListeners } from './brokerSocket';
import { completeResponse, describeDecodeError } from './completeResponse';
import { CloseListeners } from './CloseListeners';
import { closedByBrokerError, closeError, notReadyError, requestTimeoutErrors, setupTimeoutError, socketError, type FailureMoment } from './connectionErrors';
import { DEFAULT_MAX_FRAME_BYTES, type ConnectionOptions, type SendOptions } from './ConnectionOptions';
import { FrameDecoder } from './FrameDecoder';
import { InFlightRequests, type InFlightRequest } from './InFlightRequests';
import { chooseVersion, negotiateApiVersions, type VersionRange } from './negotiateApiVersions';
import { RequestDeadlines } from './RequestDeadlines';
import { RequestWriter } from './RequestWriter';
import { SaslSession } from './sasl/SaslSession';
import { tlsAnswerError } from './tlsFailure';

export { DEFAULT_MAX_FRAME_BYTES, type ConnectionOptions, type SendOptions } from './ConnectionOptions';
export type { VersionRange } from './negotiateApiVersions';

const INT32_MAX = 0x7fffffff;

type State = 'new' | 'connecting' | 'negotiating' | 'authenticating' | 'ready' | 'closed';

/**
 * One TCP connection to one broker (Java: a `KafkaChannel` with its slice of `NetworkClient`):
 * framing, correlation ids, in-order response matching, request timeouts, write backpressure,
 * and the ApiVersions negotiation that tells which versions of each API both sides speak; over
 * TLS when `tls` is set, and SASL-authenticated after ApiVersions when `sasl` is (re-authenticating
 * between requests when the broker's session nears its end: see SaslSession).
 *
 * Failure model (as Java): anything that leaves the byte stream in doubt — a response that does
 * not decode, a correlation id out of order, a request timeout, a socket error — closes the
 * connection and rejects everything in flight; the caller reconnects (with backoff, via
 * `ConnectionPool`) and retries. An AuthenticationError (TLS handshake, SASL refusal) is not
 * retriable and is what the connect — and anything held for a re-authentication — rejects with.
 * Nothing here throws out of a socket callback. What each failure says is in `connectionErrors.ts`.
 *
 * Time: the setup and request timers run on `time.scheduler`; deadlines are read from
 * `time.preciseNow()`, a monotonic clock in real time (a wall-clock step must not expire requests),
 * the test scheduler's clock in virtual time.
 *
 * @example
 * const conn = new Connection({ host: 'localhost', port: 9092, nodeId: 1, clientId: 'app',
 *   requestTimeoutMs: 30000, connectionSetupTimeoutMs: 10000, logger });
 * await conn.connect();
 * const metadata = await conn.send(Metadata, { topics: ['t'], allowAutoTopicCreation: false });
 */
export class Connection {
  /** `host:port (nodeId n)`, for logs and errors. */
  readonly broker: string;

  /**
   * Lifecycle: new → connecting (TCP, TLS) → negotiating → [authenticating →] ready → closed
   * (re-authentication happens while ready); closed is final (set once, in `shutdown`).
   */
  private state: State = 'new';
  /** Set by `connect()`; the same promise for every caller. */
  private connecting: Promise<void> | null = null;
  /** The socket; null before `connect()`. Never reused once closed. */
  private socket: net.Socket | null = null;
  /** Settles the wait for TCP 'connect'; non-null only in state 'connecting'. */
  private tcpWaiter: { resolve: () => void; reject: (error: Error) => void } | null = null;
  /** Cancels the timer that bounds connect + negotiation; non-null only until `connect()` settles. */
  private cancelSetupTimer: (() => void) | null = null;
  /** Why the connection closed (undefined while open, or after a plain `close()`). Set once, in `shutdown`. */
  private closeCause: Error | undefined = undefined;
  /** A response arrived since the connection became ready (false again on 'ready'): see connectionErrors' closeHint. */
  private answeredSinceReady = false;

  /** Encodes and writes request frames (backpressure, buffer ownership); set with the socket. */
  private out: RequestWriter | null = null;
  /** The next correlation id: 0..INT32_MAX, wrapping to 0 (negative ids are reserved by Kafka for SASL). */
  private nextCorrelationId = 0;
  /** Requests sent and not complete; empty once closed. */
  private readonly inFlight = new InFlightRequests();
  /** The request timeout: one timer for the oldest pending deadline; stopped in `shutdown`. */
  private readonly deadlines: RequestDeadlines;
  /** The socket event handlers, gathered once; attached in `openSocket`, detached in `shutdown`. */
  private readonly socketListeners: SocketListeners;

  private readonly decoder: FrameDecoder;
  private readonly closeListeners = new CloseListeners();
  private readonly logger: Logger;
  /** Runs the setup and request timers; `now` is the deadline clock (see the class comment). */
  private readonly scheduler: SchedulerLike;
  private readonly now: () => number;
  /** The broker's version ranges by api key; filled once by negotiation, then read-only. */
  private readonly versions = new Map<number, VersionRange>();
  /** SASL authentication and its renewal; null without `sasl`. */
  private readonly session: SaslSession | null;

  constructor(private readonly opts: ConnectionOptions) {
    const address = formatAddress(opts.host, opts.port);
    this.broker = opts.nodeId >= 0 ? `${address} (nodeId ${opts.nodeId})` : `${address} (bootstrap)`;
    this.logger = opts.logger.child({ component: 'connection', broker: this.broker });
    const time: Time = opts.time ?? realTime;
    this.scheduler = time.scheduler;
    this.now = () => time.preciseNow();
    this.decoder = new FrameDecoder(opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES, this.onFrame);
    this.deadlines = new RequestDeadlines(this.inFlight, this.scheduler, this.now, this.onRequestExpired);
    this.session =
      opts.sasl === undefined
        ? null
        : new SaslSession(this.broker, opts.sasl, this.versions, this.write, this.onReauthenticationFailed, this.now, opts.random ?? Math.random);
    this.socketListeners = {
      onConnect: this.onConnect,
      onData: this.onData,
      onDrain: () => this.out!.drain(),
      onError: this.onSocketError,
      onEnd: this.onBrokerClose,
      onClose: this.onBrokerClose,
    };
  }

  /** The broker's supported versions per api key (empty before `connect()` resolves). */
  get apiVersions(): ReadonlyMap<number, VersionRange> {
    return this.versions;
  }

  get nodeId(): number {
    return this.opts.nodeId;
  }

  get host(): string {
    return this.opts.host;
  }

  get port(): number {
    return this.opts.port;
  }

  /** Connected, negotiated and authenticated: `send` will write (after a re-authentication, if one runs). */
  get isConnected(): boolean {
    return this.state === 'ready';
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /**
   * Requests sent and not completed: awaiting a response, or (acks=0) not yet flushed. Includes
   * requests whose frame waits for 'drain'. The sender's least-loaded choice and in-flight bound use it.
   */
  get inFlightCount(): number {
    return this.inFlight.count + (this.session?.heldCount ?? 0);
  }

  /**
   * Opens the TCP connection (and TLS session), negotiates API versions and authenticates (SASL),
   * within `connectionSetupTimeoutMs`. Rejects with a ConnectionError (retriable), an
   * AuthenticationError (not retriable: certificates, credentials), or a non-retriable
   * RxKafkaError when the broker cannot speak any ApiVersions version. Calling it again returns
   * the same promise.
   */
  connect(): Promise<void> {
    if (this.connecting === null) this.connecting = this.establish();
    return this.connecting;
  }

  /**
   * The highest version of `api` both rxkafka and the broker support.
   * Throws a non-retriable RxKafkaError naming both ranges when there is none.
   */
  versionFor(api: Api<any, any>): number {
    return chooseVersion(this.broker, this.versions.get(api.apiKey), api);
  }

  /**
   * Sends one request. Resolves with the decoded response; rejects with a ConnectionError,
   * RequestTimeoutError or ProtocolDecodeError (all retriable: the connection is closed then),
   * or with the encoder's error (the connection is unaffected). While the connection
   * re-authenticates, the request waits and goes out after it, in order.
   */
  send<Req, Res>(api: Api<Req, Res>, req: Req, opts?: SendOptions): Promise<Res> {
    if (this.state !== 'ready') return Promise.reject(this.notReadyError());
    let version: number;
    try {
      version = opts?.version ?? this.versionFor(api);
    } catch (err) {
      return Promise.reject(err);
    }
    const expectResponse = opts?.expectResponse ?? true;
    if (this.session !== null && this.session.mustHold(this.now())) return this.session.hold(api, req, version, expectResponse);
    return this.request(api, req, version, expectResponse, false);
  }

  /**
   * Closes the connection: rejects every pending request with a ConnectionError (with `cause`
   * attached), destroys the socket, clears timers. Idempotent.
   */
  close(cause?: Error): void {
    if (this.state === 'closed') return;
    const error = closeError(this.broker, cause);
    this.shutdown(cause, () => error);
  }

  /** Calls `listener` once when the connection closes (at once, asynchronously, if it already has). */
  onClose(listener: (cause: Error | undefined) => void): () => void {
    if (this.state === 'closed') {
      queueMicrotask(() => listener(this.closeCause));
      return noop;
    }
    return this.closeListeners.add(listener);
  }

  private async establish(): Promise<void> {
    if (this.state !== 'new') throw this.notReadyError();
    this.state = 'connecting';
    this.cancelSetupTimer = after(this.scheduler, this.opts.connectionSetupTimeoutMs, this.onSetupTimeout);
    try {
      await this.openSocket();
      this.state = 'negotiating';
      const result = await negotiateApiVersions(this.broker, (api, req, version) => this.request(api, req, version, true, true));
      if (this.state !== 'negotiating') throw this.notReadyError();
      for (const k of result.apiKeys) this.versions.set(k.apiKey, { minVersion: k.minVersion, maxVersion: k.maxVersion });
      if (this.session !== null) {
        this.state = 'authenticating';
        await this.session.authenticate();
        if (this.state !== 'authenticating') throw this.notReadyError();
      }
      this.state = 'ready';
      this.answeredSinceReady = false;
      this.logger.debug(
        { apiVersionsVersion: result.version, apiKeys: result.apiKeys.length, tls: this.opts.tls !== undefined, sasl: this.session?.mechanism },
        'connected',
      );
    } catch (err) {
      const error = err instanceof RxKafkaError ? err : new ConnectionError(this.broker, String(err), { cause: err });
      this.close(error);
      throw error;
    } finally {
      this.cancelSetupTimer?.();
      this.cancelSetupTimer = null;
    }
  }

  private openSocket(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.tcpWaiter = { resolve, reject };
      const socket = openBrokerSocket(this.opts.host, this.opts.port, this.socketListeners, this.opts.tls);
      this.socket = socket;
      this.out = new RequestWriter(socket);
    });
  }

  /** Writes a request now: the SASL exchange's, and those it held (SaslSession). */
  private readonly write = (api: Api<any, any>, req: unknown, version: number, expectResponse: boolean): Promise<any> =>
    this.request(api, req, version, expectResponse, false);

  private readonly onReauthenticationFailed = (error: Error): void => {
    this.close(error);
  };

  /** Encodes and writes one request; the promise settles with its response (or failure). */
  private request(api: Api<any, any>, req: unknown, version: number, expectResponse: boolean, negotiation: boolean): Promise<any> {
    // Public sends are checked by `send`; the connection's own requests run from 'negotiating' on.
    if (this.state === 'new' || this.state === 'connecting' || this.state === 'closed') return Promise.reject(this.notReadyError());
    const correlationId = this.nextCorrelationId;
    let frame: Buffer[];
    try {
      frame = this.out!.encode(api, version, correlationId, this.opts.clientId, req);
    } catch (err) {
      return Promise.reject(err);
    }
    this.nextCorrelationId = correlationId === INT32_MAX ? 0 : correlationId + 1;
    return new Promise((resolve, reject) => {
      const entry: InFlightRequest = {
        api,
        version,
        correlationId,
        deadlineMs: this.now() + this.opts.requestTimeoutMs,
        keepConnectionOnDecodeError: negotiation,
        resolve,
        reject,
      };
      this.inFlight.add(entry, expectResponse);
      this.out!.write(frame, expectResponse ? null : this.onNoResponseFlushed);
      this.deadlines.arm();
    });
  }

  /** Write callbacks arrive in write order, so the flushed acks=0 request is the oldest one. */
  private readonly onNoResponseFlushed = (err?: Error | null): void => {
    // On error the socket emits 'error'/'close' too, which rejects the request.
    if (err || this.state === 'closed') return;
    this.inFlight.completeFlushed()?.resolve(undefined);
  };

  private readonly onConnect = (): void => {
    const waiter = this.tcpWaiter;
    this.tcpWaiter = null;
    waiter?.resolve();
  };

  private readonly onData = (chunk: Buffer): void => {
    // The first bytes of a response on a plaintext connection, while negotiating: a TLS listener
    // answers them with an alert.
    if (this.opts.tls === undefined && this.state === 'negotiating' && this.decoder.pendingBytes === 0) {
      const tlsAnswer = tlsAnswerError(chunk, this.broker);
      if (tlsAnswer !== undefined) {
        this.close(tlsAnswer);
        return;
      }
    }
    try {
      this.decoder.push(chunk);
    } catch (err) {
      const error = err instanceof ProtocolDecodeError ? err : new ProtocolDecodeError(`${this.broker}: ${describeDecodeError(err)}`);
      this.logger.warn({ err: error }, 'closing the connection: undecodable response');
      this.shutdown(error, () => error);
    }
  };

  /** One complete response frame: it belongs to the oldest request in flight. Throws to close. */
  private readonly onFrame = (frame: Buffer): void => {
    this.answeredSinceReady = true;
    completeResponse(frame, this.inFlight, this.broker, this.logger);
  };

  private readonly onSocketError = (err: Error): void => {
    this.close(socketError(err, this.broker, this.failureMoment()));
  };

  /** The broker ended or closed the socket ('end', 'close'). */
  private readonly onBrokerClose = (): void => {
    this.close(closedByBrokerError(this.broker, this.failureMoment()));
  };

  /** Now, as far as telling what a socket error or a close by the broker means needs it. */
  private failureMoment(): FailureMoment {
    return {
      state: this.state,
      host: this.opts.host,
      tls: this.opts.tls,
      sasl: this.session !== null,
      answeredSinceReady: this.answeredSinceReady,
      inFlightCount: this.inFlight.count,
    };
  }

  private readonly onSetupTimeout = (): void => {
    this.cancelSetupTimer = null;
    this.close(setupTimeoutError(this.broker, this.opts.connectionSetupTimeoutMs, this.state, this.opts.tls !== undefined, this.session?.mechanism));
  };

  /** The oldest request's deadline passed (`deadlines` only calls this while open). */
  private readonly onRequestExpired = (oldest: InFlightRequest): void => {
    // As Java: an expired request closes its connection, since a response may still arrive later
    // and the broker is probably in trouble; everything else in flight is retried elsewhere.
    const { timeout, others } = requestTimeoutErrors(this.broker, oldest.api.name, this.opts.requestTimeoutMs);
    this.logger.warn({ api: oldest.api.name, requestTimeoutMs: this.opts.requestTimeoutMs }, 'request timed out; closing');
    this.shutdown(timeout, (entry) => (entry === oldest ? timeout : others));
  };

  /**
   * Final transition to 'closed': every pending request and the pending connect are rejected
   * with `errorFor(entry)` (entry null for the connect), the socket is destroyed, timers and
   * listeners removed, close listeners told.
   */
  private shutdown(cause: Error | undefined, errorFor: (entry: InFlightRequest | null) => Error): void {
    if (this.state === 'closed') return;
    const wasReady = this.state === 'ready';
    this.state = 'closed';
    this.closeCause = cause;
    this.cancelSetupTimer?.();
    this.cancelSetupTimer = null;
    this.deadlines.stop();
    if (this.socket !== null) releaseBrokerSocket(this.socket, this.socketListeners, cause === undefined && wasReady);
    this.decoder.reset();
    this.out?.clear();

    const waiter = this.tcpWaiter;
    this.tcpWaiter = null;
    waiter?.reject(errorFor(null));
    const pending = this.inFlight.clear();
    for (let i = 0; i < pending.length; i++) pending[i].reject(errorFor(pending[i]));
    const held = this.session?.takeHeld() ?? [];
    for (let i = 0; i < held.length; i++) held[i].reject(errorFor(null));
    if (wasReady || cause !== undefined) {
      this.logger.debug({ cause: cause?.message, rejected: pending.length }, 'connection closed');
    }
    this.closeListeners.notify(cause, this.logger);
  }

  private notReadyError(): ConnectionError {
    return notReadyError(this.broker, this.state, this.closeCause);
  }
}

function noop(): void {}
