import * as net from 'node:net';
import * as tls from 'node:tls';

/**
 * How long a plain close() waits for the broker to close its side before destroying the socket.
 * A real timer, not the connection's injected time: it bounds socket I/O, which runs in real time
 * whatever the scheduler — under a virtual clock that tests never advance past it, the socket
 * would never be destroyed. It never affects what a caller sees (the close is already done).
 */
const GRACEFUL_CLOSE_MS = 1000;

/** A connection's socket event handlers: created once per connection, attached on open, detached on release. */
export interface SocketListeners {
  readonly onConnect: () => void;
  readonly onData: (chunk: Buffer) => void;
  readonly onDrain: () => void;
  readonly onError: (err: Error) => void;
  readonly onEnd: () => void;
  readonly onClose: () => void;
}

/** Which handler listens to which socket event; attach and detach walk the same table. */
const EVENTS: ReadonlyArray<readonly [string, keyof SocketListeners]> = [
  ['connect', 'onConnect'],
  ['data', 'onData'],
  ['drain', 'onDrain'],
  ['error', 'onError'],
  ['end', 'onEnd'],
  ['close', 'onClose'],
];
/** A TLS socket is open for requests once its handshake is done ('secureConnect'), not at TCP 'connect'. */
const TLS_EVENTS: ReadonlyArray<readonly [string, keyof SocketListeners]> = EVENTS.map(([event, handler]) =>
  event === 'connect' ? ['secureConnect', handler] : [event, handler],
);

/** TLS options for a broker connection: node:tls's, with `host` and `port` taken from the broker. */
export type BrokerTlsOptions = Omit<tls.ConnectionOptions, 'host' | 'port' | 'socket' | 'path'>;

/**
 * Starts a connection to a broker with `listeners` attached: TCP, or TLS when `tlsOptions` is
 * given; onConnect tells when it is open (for TLS: handshake done, certificate verified).
 */
export function openBrokerSocket(host: string, port: number, listeners: SocketListeners, tlsOptions?: BrokerTlsOptions): net.Socket {
  // Node sends the host as SNI (and checks the certificate against it) unless servername says otherwise.
  const socket = tlsOptions === undefined ? net.connect({ host, port }) : tls.connect({ ...tlsOptions, host, port });
  // Requests are whole frames written at once: Nagle would only add latency.
  socket.setNoDelay(true);
  socket.setKeepAlive(true);
  for (const [event, handler] of tlsOptions === undefined ? EVENTS : TLS_EVENTS) socket.on(event, listeners[handler]);
  return socket;
}

/**
 * Lets go of a connection's socket for good: detaches `listeners`, then ends it gracefully
 * (`graceful`: a plain close of a ready connection) or destroys it.
 */
export function releaseBrokerSocket(socket: net.Socket, listeners: SocketListeners, graceful: boolean): void {
  const events = socket instanceof tls.TLSSocket ? TLS_EVENTS : EVENTS;
  for (const [event, handler] of events) socket.off(event, listeners[handler]);
  // A write failing during destroy may still emit 'error': without a listener it would crash the process.
  socket.on('error', noop);
  if (graceful) {
    // A plain close(): end with FIN after what was written (acks=0 frames included) rather than
    // destroy, which resets the connection if a reply is still unread and lets the broker drop
    // requests it has received but not read. Replies are discarded; the socket is destroyed
    // once the broker closes its side, or after a grace period that does not keep the process alive.
    socket.resume();
    socket.end();
    socket.once('close', () => clearTimeout(grace));
    const grace = setTimeout(() => socket.destroy(), GRACEFUL_CLOSE_MS);
    grace.unref();
  } else {
    socket.destroy();
  }
}

function noop(): void {}
