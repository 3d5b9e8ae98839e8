/**
 * The socket-level fake broker: a tiny Kafka-speaking TCP server for the network layer's unit
 * tests (Connection, ConnectionPool, TLS, SASL). It frames requests, answers ApiVersions by itself
 * (with configurable ranges and quirks), and hands every other request to the test; the test-only
 * Echo API gives requests to answer without a real Kafka API. `startFakeSaslBroker` puts a SASL
 * listener in front of it.
 *
 * Tests above the network layer (Cluster, Sender, a whole Producer) use `fakeCluster.ts` instead:
 * it replaces connections, not sockets, so those tests run in virtual time without bytes on a wire.
 */
import * as net from 'node:net';
import pino from 'pino';
import type { SchedulerLike } from 'rxjs';
import type { Api } from '../../src/protocol/api';
import { Reader } from '../../src/protocol/Reader';
import { SaslAuthenticate } from '../../src/protocol/SaslAuthenticate';
import { SaslHandshake } from '../../src/protocol/SaslHandshake';
import type { Writer } from '../../src/protocol/Writer';
import { encodeSaslAuthenticateResponse, encodeSaslHandshakeResponse } from '../protocol/responseEncoders';
import { SaslServerSession, type SaslServerConfig } from './saslServer';
import { sleep } from './wait';

export const silentLogger = pino({ level: 'silent' });

/** A request as the fake broker received it. */
export interface FakeRequest {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** The body after a v1 request header (the test APIs below are never flexible). */
  body: Buffer;
  conn: FakeConnection;
}

/** The server side of one client connection. */
export class FakeConnection {
  constructor(readonly socket: net.Socket) {}

  /** Writes a response frame: size, correlation id (header v0), body. */
  reply(correlationId: number, body: Buffer): void {
    this.socket.write(responseFrame(correlationId, body));
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }
}

export function responseFrame(correlationId: number, body: Buffer): Buffer {
  const frame = Buffer.alloc(8 + body.length);
  frame.writeInt32BE(4 + body.length, 0);
  frame.writeInt32BE(correlationId, 4);
  body.copy(frame, 8);
  return frame;
}

export interface ApiRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface FakeBrokerOptions {
  /** Ranges advertised in ApiVersions besides ApiVersions itself. Default: the Echo API 0..2. */
  apis?: ApiRange[];
  /** Highest ApiVersions version understood; above it, UNSUPPORTED_VERSION with a v0 body. Default 3. */
  apiVersionsMax?: number;
  /** Whether the UNSUPPORTED_VERSION body lists the ApiVersions range (Kafka's KIP-511 behaviour). Default true. */
  advertiseOnUnsupported?: boolean;
  /** ApiVersions versions whose answer is garbage (a broker with its own idea of the layout). */
  garbleApiVersions?: number[];
  /** Never answer ApiVersions (to test the setup timeout). */
  silent?: boolean;
}

export class FakeBroker {
  /** Every request (ApiVersions included) in arrival order. */
  readonly requests: FakeRequest[] = [];
  /** Server-side sockets, in accept order. */
  readonly connections: FakeConnection[] = [];
  /** Answers non-ApiVersions requests; default: none. */
  onRequest: (req: FakeRequest) => void = () => {};

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly opts: FakeBrokerOptions,
  ) {}

  static async start(opts: FakeBrokerOptions = {}): Promise<FakeBroker> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const broker = new FakeBroker(server, (server.address() as net.AddressInfo).port, opts);
    server.on('connection', (socket) => broker.accept(socket));
    return broker;
  }

  get host(): string {
    return '127.0.0.1';
  }

  /** Stops listening and drops every connection. */
  async stop(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Requests of one api key. */
  requestsOf(apiKey: number): FakeRequest[] {
    return this.requests.filter((r) => r.apiKey === apiKey);
  }

  private accept(socket: net.Socket): void {
    const conn = new FakeConnection(socket);
    this.connections.push(conn);
    socket.on('error', () => {});
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const size = pending.readInt32BE(0);
        if (pending.length < 4 + size) break;
        const frame = pending.subarray(4, 4 + size);
        pending = pending.subarray(4 + size);
        this.handle(parseRequest(frame, conn));
      }
    });
  }

  private handle(req: FakeRequest): void {
    this.requests.push(req);
    if (req.apiKey !== 18) {
      this.onRequest(req);
      return;
    }
    if (this.opts.silent) return;
    const max = this.opts.apiVersionsMax ?? 3;
    const apis: ApiRange[] = [{ apiKey: 18, minVersion: 0, maxVersion: max }, ...(this.opts.apis ?? [ECHO_RANGE])];
    if (this.opts.garbleApiVersions?.includes(req.apiVersion)) {
      req.conn.reply(req.correlationId, Buffer.from([0, 0, 0xff]));
    } else if (req.apiVersion > max) {
      const listed = this.opts.advertiseOnUnsupported === false ? [] : [apis[0]];
      req.conn.reply(req.correlationId, apiVersionsBody(0, 35, listed));
    } else {
      req.conn.reply(req.correlationId, apiVersionsBody(req.apiVersion, 0, apis));
    }
  }
}

function parseRequest(frame: Buffer, conn: FakeConnection): FakeRequest {
  const apiKey = frame.readInt16BE(0);
  const apiVersion = frame.readInt16BE(2);
  const correlationId = frame.readInt32BE(4);
  const clientIdLength = frame.readInt16BE(8);
  const clientId = clientIdLength < 0 ? null : frame.toString('utf8', 10, 10 + clientIdLength);
  let offset = 10 + Math.max(clientIdLength, 0);
  // ApiVersions v3 has a flexible header: one empty tagged-field byte.
  if (apiKey === 18 && apiVersion >= 3) offset += 1;
  return { apiKey, apiVersion, correlationId, clientId, body: frame.subarray(offset), conn };
}

/** An ApiVersions response body at `version` (v0–v2 classic, v3 flexible as Kafka writes it). */
export function apiVersionsBody(version: number, errorCode: number, apis: ApiRange[]): Buffer {
  const parts: Buffer[] = [];
  const i16 = (v: number) => {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    parts.push(b);
  };
  const i32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    parts.push(b);
  };
  const u8 = (v: number) => parts.push(Buffer.from([v]));
  i16(errorCode);
  if (version >= 3) u8(apis.length + 1);
  else i32(apis.length);
  for (const a of apis) {
    i16(a.apiKey);
    i16(a.minVersion);
    i16(a.maxVersion);
    if (version >= 3) u8(0);
  }
  if (version >= 1) i32(0);
  if (version >= 3) u8(0);
  return Buffer.concat(parts);
}

export interface EchoRequest {
  value: number;
  /** Extra bytes to make the frame large (for backpressure tests). */
  payload?: Buffer;
  /** Reference the payload (Writer.sharedBytes, a gathered write) instead of copying it. */
  shared?: boolean;
}

/**
 * A test-only API (key 1000): the request carries an int32 and optional bytes; the response
 * carries an int32. The fake broker's handler decides what to answer.
 */
export const Echo: Api<EchoRequest, number> = {
  name: 'Echo',
  apiKey: 1000,
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: Infinity,
  responseHeaderVersion: () => 0,
  encodeRequest(w: Writer, _version: number, req: EchoRequest): void {
    w.int32(req.value);
    const payload = req.payload ?? Buffer.alloc(0);
    if (req.shared) {
      w.sharedBytes(payload, false);
      return;
    }
    w.int32(payload.length);
    w.raw(payload);
  },
  decodeResponse(r: Reader): number {
    return r.int32();
  },
};

export const ECHO_RANGE: ApiRange = { apiKey: Echo.apiKey, minVersion: 0, maxVersion: 2 };

/** Parses an Echo request body: [value, payload]. */
export function parseEcho(body: Buffer): { value: number; payload: Buffer } {
  const value = body.readInt32BE(0);
  const length = body.readInt32BE(4);
  return { value, payload: body.subarray(8, 8 + length) };
}

/** An Echo response body. */
export function echoBody(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
}

/** Answers every Echo request with its own value. */
export function echoHandler(req: FakeRequest): void {
  if (req.apiKey === Echo.apiKey) req.conn.reply(req.correlationId, echoBody(parseEcho(req.body).value));
}

// Shared with the integration tests.
export { unusedPort } from './wait';
export { failure } from './rejection';

/**
 * A FakeBroker with a SASL listener (saslServer.ts): it advertises SaslHandshake and
 * SaslAuthenticate, answers them per connection, answers Echo only once authenticated and while
 * the session lasts, and closes the connection otherwise — as a Kafka broker does. Responses go
 * out in request order, Echo ones after `echoDelayMs`, so that requests can be kept in flight.
 */
export interface FakeSaslBrokerOptions extends SaslServerConfig {
  /** Highest SaslAuthenticate version advertised (default 2); v0 brokers give no session lifetime. */
  saslAuthenticateMax?: number;
  /** Leave the SASL APIs out of ApiVersions (a broker without SASL). */
  noSasl?: boolean;
  /** Delay of each Echo answer (the ones after it wait, as on a broker). */
  echoDelayMs?: number;
  /** Runs the Echo delays in a test's virtual time (pair with `now` for the session clock); default: real timers. */
  scheduler?: SchedulerLike;
}

export interface FakeSaslBroker {
  broker: FakeBroker;
  /** Per connection, in accept order: its SASL state. */
  sessions: SaslServerSession[];
  /** Why the fake closed connections: 'unauthenticated', 'expired', 'refused'. */
  closures: string[];
  /** Echo values answered, in answer order. */
  echoed: number[];
}

export async function startFakeSaslBroker(opts: FakeSaslBrokerOptions): Promise<FakeSaslBroker> {
  const sasl = [
    { apiKey: SaslHandshake.apiKey, minVersion: 0, maxVersion: 1 },
    { apiKey: SaslAuthenticate.apiKey, minVersion: 0, maxVersion: opts.saslAuthenticateMax ?? 2 },
  ];
  const broker = await FakeBroker.start({ apis: opts.noSasl ? [ECHO_RANGE] : [ECHO_RANGE, ...sasl] });
  const fake: FakeSaslBroker = { broker, sessions: [], closures: [], echoed: [] };
  const scheduler = opts.scheduler;
  const delay = scheduler === undefined ? sleep : (ms: number) => new Promise<void>((resolve) => scheduler.schedule(() => resolve(), ms));
  const bySocket = new Map<FakeConnection, { session: SaslServerSession; chain: Promise<void> }>();
  broker.onRequest = (req: FakeRequest) => {
    let state = bySocket.get(req.conn);
    if (state === undefined) {
      state = { session: new SaslServerSession(opts), chain: Promise.resolve() };
      bySocket.set(req.conn, state);
      fake.sessions.push(state.session);
    }
    const { session } = state;
    const inOrder = (delayMs: number, answer: () => void): void => {
      state!.chain = state!.chain.then(() => (delayMs > 0 ? delay(delayMs) : undefined)).then(answer);
    };
    const close = (why: string): void => {
      fake.closures.push(why);
      inOrder(0, () => req.conn.socket.destroy());
    };
    if (req.apiKey === SaslHandshake.apiKey) {
      const res = session.handshake(new Reader(req.body).nonNullString());
      inOrder(0, () => req.conn.reply(req.correlationId, encodeSaslHandshakeResponse(res)));
    } else if (req.apiKey === SaslAuthenticate.apiKey) {
      const flexible = req.apiVersion >= 2;
      // A flexible request header ends with a tag buffer that the fake's parser leaves in the body.
      const r = new Reader(req.body, flexible ? 1 : 0);
      const res = session.authenticate((flexible ? r.compactBytes() : r.bytes()) ?? Buffer.alloc(0), req.apiVersion);
      const body = encodeSaslAuthenticateResponse(req.apiVersion, res);
      inOrder(0, () => req.conn.reply(req.correlationId, flexible ? Buffer.concat([Buffer.from([0]), body]) : body));
      if (res.failed) close('refused');
    } else if (!session.authenticated) {
      close('unauthenticated');
    } else if (session.expired()) {
      close('expired');
    } else {
      const value = parseEcho(req.body).value;
      inOrder(opts.echoDelayMs ?? 0, () => {
        fake.echoed.push(value);
        req.conn.reply(req.correlationId, echoBody(value));
      });
    }
  };
  return fake;
}
