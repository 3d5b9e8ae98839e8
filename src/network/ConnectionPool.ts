import type { Logger } from 'pino';
import { realTime, type Time } from '../time/Time';
import { asError, AuthenticationError, ConnectionError, RxKafkaError } from '../errors';
import { formatAddress } from './address';
import { ExponentialBackoff } from './Backoff';
import type { BrokerTlsOptions } from './brokerSocket';
import { Connection } from './Connection';
import type { ConnectionEventSink } from './ConnectionEvent';
import type { SaslOptions } from './sasl/SaslOptions';

export interface ConnectionPoolOptions {
  clientId: string;
  requestTimeoutMs: number;
  connectionSetupTimeoutMs: number;
  /** First reconnect backoff after a failure; grows exponentially (with jitter) per consecutive failure. */
  reconnectBackoffMs: number;
  reconnectBackoffMaxMs: number;
  logger: Logger;
  /**
   * Timers and clocks: `time.scheduler.now()` for reconnect backoff; each connection gets `time` for
   * its setup and request timeouts. Default real time; tests give a virtual one.
   */
  time?: Time;
  /** Builds connections (injected by tests). */
  createConnection?: (node: PoolNode, opts: PoolConnectionOptions) => Connection;
  maxFrameBytes?: number;
  /** TLS for every connection (ConnectionOptions.tls). */
  tls?: BrokerTlsOptions;
  /** SASL for every connection (ConnectionOptions.sasl). */
  sasl?: SaslOptions;
  /** Told of each connect, failed connect and lost connection (`Producer.connectionEvents$`). */
  onEvent?: ConnectionEventSink;
}

/** What the pool needs to know about a node. */
export interface PoolNode {
  nodeId: number;
  host: string;
  port: number;
}

/** Options the pool passes to each new Connection. */
export type PoolConnectionOptions = ConstructorParameters<typeof Connection>[0];

/** The pool's state for one node id. */
interface NodeEntry {
  host: string;
  port: number;
  /** The connection: connecting or ready; null after it closed or failed. */
  connection: Connection | null;
  /** `get()`'s answer while `connection` connects or is ready; shared by all callers. */
  ready: Promise<Connection> | null;
  /** Consecutive failed connects (or drops) since the last successful connect. */
  failures: number;
  /** No connect attempt before this time (`time.scheduler.now()` ms); 0 when not backing off. */
  blackoutUntilMs: number;
  /** Why the last attempt failed, for the fast rejection during backoff. */
  lastError: Error | null;
  /** Removes our close listener from `connection`. */
  unsubscribe: (() => void) | null;
}

/**
 * One connection per broker node (Java: `ClusterConnectionStates` + the selector's channels):
 * concurrent `get()`s share one connect; a failed connect or a dropped connection puts the node in
 * exponential reconnect backoff (`reconnectBackoffMs` → `reconnectBackoffMaxMs`, ±20 % jitter),
 * during which `get()` rejects at once with a retriable ConnectionError; a node that moved (new
 * host or port in metadata) gets a new connection.
 */
export class ConnectionPool {
  /** Node id → state. Entries stay after failures (they carry the backoff); removed by `closeNode`. */
  private readonly nodes = new Map<number, NodeEntry>();
  private readonly backoff: ExponentialBackoff;
  private readonly logger: Logger;
  private readonly time: Time;
  /** Set once by `close()`; afterwards `get()` rejects. */
  private closed = false;

  constructor(private readonly opts: ConnectionPoolOptions) {
    this.backoff = new ExponentialBackoff(opts.reconnectBackoffMs, opts.reconnectBackoffMaxMs);
    this.logger = opts.logger.child({ component: 'connection-pool' });
    this.time = opts.time ?? realTime;
  }

  /**
   * The node's ready connection, connecting it if needed. Rejects with a retriable
   * ConnectionError if the connect fails or the node is in reconnect backoff.
   */
  get(node: PoolNode): Promise<Connection> {
    if (this.closed) return Promise.reject(new RxKafkaError('the connection pool is closed', false));
    let entry = this.nodes.get(node.nodeId);
    if (entry !== undefined && (entry.host !== node.host || entry.port !== node.port)) {
      const from = formatAddress(entry.host, entry.port);
      const to = formatAddress(node.host, node.port);
      this.logger.info({ nodeId: node.nodeId, from, to }, 'broker address changed; reconnecting');
      this.closeNode(node.nodeId, new RxKafkaError(`node ${node.nodeId} moved from ${from} to ${to}`, true));
      entry = undefined;
    }
    if (entry === undefined) {
      entry = {
        host: node.host,
        port: node.port,
        connection: null,
        ready: null,
        failures: 0,
        blackoutUntilMs: 0,
        lastError: null,
        unsubscribe: null,
      };
      this.nodes.set(node.nodeId, entry);
    }
    if (entry.ready !== null) return entry.ready;
    const nowMs = this.time.scheduler.now();
    if (entry.blackoutUntilMs > nowMs) {
      // Refused credentials stay refused during the backoff: say so, not "retry later" (Java's authenticationException(node)).
      if (entry.lastError instanceof AuthenticationError) return Promise.reject(entry.lastError);
      return Promise.reject(
        new ConnectionError(
          formatAddress(node.host, node.port),
          `in reconnect backoff after ${entry.failures} failure(s)` +
            (entry.lastError ? ` (last: ${entry.lastError.message})` : '') +
            `; next attempt in ${entry.blackoutUntilMs - nowMs} ms`,
          { cause: entry.lastError ?? undefined },
        ),
      );
    }
    return this.connect(node.nodeId, entry);
  }

  /** The node's connection if it is connected and still at `node`'s address; never connects. */
  connected(node: PoolNode): Connection | undefined {
    const entry = this.nodes.get(node.nodeId);
    if (entry === undefined || entry.host !== node.host || entry.port !== node.port) return undefined;
    const connection = entry.connection;
    return connection !== null && connection.isConnected ? connection : undefined;
  }

  /** True while the node is in reconnect backoff after a failure. */
  isBlackedOut(nodeId: number, nowMs: number = this.time.scheduler.now()): boolean {
    const entry = this.nodes.get(nodeId);
    return entry !== undefined && entry.ready === null && entry.blackoutUntilMs > nowMs;
  }

  /** When the node's backoff ends (0 when not backing off). */
  blackoutUntilMs(nodeId: number): number {
    return this.nodes.get(nodeId)?.blackoutUntilMs ?? 0;
  }

  /** Closes the node's connection (if any) and forgets its state; in-flight requests are rejected. */
  closeNode(nodeId: number, cause?: Error): void {
    const entry = this.nodes.get(nodeId);
    if (entry === undefined) return;
    this.nodes.delete(nodeId);
    entry.unsubscribe?.();
    entry.connection?.close(cause);
  }

  /** Closes every connection; `get()` rejects from now on. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const nodeId of [...this.nodes.keys()]) this.closeNode(nodeId);
  }

  private connect(nodeId: number, entry: NodeEntry): Promise<Connection> {
    const connection = (this.opts.createConnection ?? defaultCreate)(
      { nodeId, host: entry.host, port: entry.port },
      {
        host: entry.host,
        port: entry.port,
        nodeId,
        clientId: this.opts.clientId,
        requestTimeoutMs: this.opts.requestTimeoutMs,
        connectionSetupTimeoutMs: this.opts.connectionSetupTimeoutMs,
        logger: this.opts.logger,
        maxFrameBytes: this.opts.maxFrameBytes,
        tls: this.opts.tls,
        sasl: this.opts.sasl,
        time: this.time,
      },
    );
    const broker = formatAddress(entry.host, entry.port);
    // Whether a close is a lost connection or the end of a failed connect (each reported once).
    let established = false;
    entry.connection = connection;
    entry.unsubscribe = connection.onClose((cause) => {
      if (established && entry.connection === connection && !this.closed) {
        this.opts.onEvent?.({ type: 'disconnected', nodeId, broker, error: cause ?? new ConnectionError(broker, 'the connection closed') });
      }
      this.onConnectionClosed(nodeId, entry, connection, cause);
    });
    // A failed connect closes the connection, so onConnectionClosed starts the backoff.
    const ready = connection.connect().then(
      () => {
        entry.failures = 0;
        entry.blackoutUntilMs = 0;
        entry.lastError = null;
        established = true;
        this.opts.onEvent?.({ type: 'connected', nodeId, broker });
        return connection;
      },
      (err: unknown) => {
        if (!this.closed) this.opts.onEvent?.({ type: 'connectFailed', nodeId, broker, error: asError(err) });
        throw err;
      },
    );
    entry.ready = ready;
    return ready;
  }

  /**
   * A connection of the pool closed: forget it so that the next `get()` reconnects, after a
   * backoff — as Java, a drop counts like a failed connect, so that a broker which accepts and
   * drops connections is not hammered.
   */
  private onConnectionClosed(nodeId: number, entry: NodeEntry, connection: Connection, cause: Error | undefined): void {
    if (entry.connection !== connection) return;
    entry.connection = null;
    entry.ready = null;
    entry.unsubscribe = null;
    if (this.closed || this.nodes.get(nodeId) !== entry) return;
    const backoffMs = this.backoff.backoff(entry.failures);
    entry.failures++;
    entry.blackoutUntilMs = this.time.scheduler.now() + backoffMs;
    entry.lastError = cause ?? null;
    this.logger.debug({ nodeId, backoffMs, failures: entry.failures, cause: cause?.message }, 'connection lost; backing off');
  }
}

function defaultCreate(_node: PoolNode, opts: PoolConnectionOptions): Connection {
  return new Connection(opts);
}
