import { VirtualTimeScheduler } from 'rxjs';
import { Connection, type ConnectionOptions } from '../../src/network/Connection';
import type { RequestWriter } from '../../src/network/RequestWriter';
import { ConnectionError, ProtocolDecodeError, RequestTimeoutError, RxKafkaError } from '../../src/errors';
import { Metadata } from '../../src/protocol/Metadata';
import { timeOn } from '../../src/time/Time';
import {
  Echo,
  failure,
  ECHO_RANGE,
  FakeBroker,
  echoBody,
  echoHandler,
  parseEcho,
  responseFrame,
  silentLogger,
  unusedPort,
  type FakeBrokerOptions,
} from '../support/fakeBroker';
import { advanceTo, tick } from '../support/virtualTime';

let broker: FakeBroker;
const open: Connection[] = [];

function connection(port = broker.port, extra: Partial<ConnectionOptions> = {}): Connection {
  const conn = new Connection({
    host: '127.0.0.1',
    port,
    nodeId: 1,
    clientId: 'test-client',
    requestTimeoutMs: 5000,
    connectionSetupTimeoutMs: 5000,
    logger: silentLogger,
    ...extra,
  });
  open.push(conn);
  return conn;
}

async function connected(opts: FakeBrokerOptions = {}, extra: Partial<ConnectionOptions> = {}): Promise<Connection> {
  broker = await FakeBroker.start(opts);
  broker.onRequest = echoHandler;
  const conn = connection(broker.port, extra);
  await conn.connect();
  return conn;
}

afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await broker?.stop();
});

describe('connect and ApiVersions negotiation', () => {
  test('asks ApiVersions v3 with the client software and stores the broker ranges', async () => {
    const conn = await connected();
    expect(conn.isConnected).toBe(true);
    expect(conn.broker).toBe(`127.0.0.1:${broker.port} (nodeId 1)`);
    const [req] = broker.requestsOf(18);
    expect(req.apiVersion).toBe(3);
    expect(req.clientId).toBe('test-client');
    // client_software_name / version as compact strings: 'rxkafka' then a version.
    expect(req.body.subarray(1, 8).toString()).toBe('rxkafka');
    expect(conn.apiVersions.get(Echo.apiKey)).toEqual({ minVersion: 0, maxVersion: 2 });
    expect(conn.versionFor(Echo)).toBe(2);
  });

  test('retries at the max version the broker names in its UNSUPPORTED_VERSION answer', async () => {
    const conn = await connected({ apiVersionsMax: 1 });
    expect(broker.requestsOf(18).map((r) => r.apiVersion)).toEqual([3, 1]);
    expect(conn.versionFor(Echo)).toBe(2);
    expect(broker.connections).toHaveLength(1);
  });

  test('steps down one version at a time when the broker names no range', async () => {
    const conn = await connected({ apiVersionsMax: 1, advertiseOnUnsupported: false });
    expect(broker.requestsOf(18).map((r) => r.apiVersion)).toEqual([3, 2, 1]);
    expect(conn.isConnected).toBe(true);
  });

  test('steps down on an answer that does not decode, keeping the connection', async () => {
    const conn = await connected({ garbleApiVersions: [3] });
    expect(broker.requestsOf(18).map((r) => r.apiVersion)).toEqual([3, 2]);
    expect(broker.connections).toHaveLength(1);
    await expect(conn.send(Echo, { value: 7 })).resolves.toBe(7);
  });

  test('versionFor names the API and both ranges when there is no common version', async () => {
    const conn = await connected({ apis: [{ ...ECHO_RANGE, minVersion: 5, maxVersion: 9 }] });
    expect(() => conn.versionFor(Echo)).toThrow(/no common version of Echo \(api key 1000\).*v5\.\.v9.*v0\.\.v2/);
    const err = catchError(() => conn.versionFor(Metadata));
    expect(err).toBeInstanceOf(RxKafkaError);
    expect((err as RxKafkaError).retriable).toBe(false);
    expect(err.message).toMatch(/does not support Metadata \(api key 3\)/);
    await expect(conn.send(Echo, { value: 1 })).rejects.toThrow(/no common version/);
  });

  test('a refused connect rejects with a retriable ConnectionError naming the broker', async () => {
    const conn = connection(await unusedPort());
    const err = await failure(conn.connect());
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).retriable).toBe(true);
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(conn.isClosed).toBe(true);
  });

  test('a broker that never answers ApiVersions fails at connectionSetupTimeoutMs', async () => {
    broker = await FakeBroker.start({ silent: true });
    const scheduler = new VirtualTimeScheduler();
    const conn = connection(broker.port, { connectionSetupTimeoutMs: 100, time: timeOn(scheduler) });
    const settled = jest.fn();
    const connecting = conn.connect();
    connecting.then(settled, settled);
    await until(() => broker.requestsOf(18).length === 1); // connected, ApiVersions unanswered
    await advanceTo(scheduler, 99);
    expect(settled).not.toHaveBeenCalled();
    await advanceTo(scheduler, 100);
    await expect(connecting).rejects.toThrow(
      /not ready within connectionSetupTimeoutMs=100 \(TCP connect, ApiVersions, stopped in state 'negotiating'\); check the address/,
    );
  });
});

describe('requests and responses', () => {
  test('responses split into single bytes and coalesced into one chunk are all matched in order', async () => {
    const conn = await connected();
    const held: Buffer[] = [];
    broker.onRequest = (req) => held.push(responseFrame(req.correlationId, echoBody(parseEcho(req.body).value * 10)));
    const results = Promise.all([1, 2, 3, 4].map((value) => conn.send(Echo, { value })));
    await until(() => held.length === 4);
    const all = Buffer.concat(held);
    const socket = broker.connections[0].socket;
    // The first response byte by byte, then the other three in one write.
    const first = held[0].length;
    for (let i = 0; i < first; i++) {
      socket.write(all.subarray(i, i + 1));
      await tick();
    }
    socket.write(all.subarray(first));
    await expect(results).resolves.toEqual([10, 20, 30, 40]);
    expect(conn.inFlightCount).toBe(0);
  });

  test('correlation ids increase per request and wrap from 2^31-1 to 0', async () => {
    const conn = await connected();
    (conn as unknown as { nextCorrelationId: number }).nextCorrelationId = 0x7fffffff;
    await conn.send(Echo, { value: 1 });
    await conn.send(Echo, { value: 2 });
    expect(broker.requestsOf(Echo.apiKey).map((r) => r.correlationId)).toEqual([0x7fffffff, 0]);
  });

  test('acks=0 style requests resolve once written, and later responses still match', async () => {
    const conn = await connected();
    broker.onRequest = (req) => {
      const { value } = parseEcho(req.body);
      if (value !== 0) req.conn.reply(req.correlationId, echoBody(value));
    };
    await expect(conn.send(Echo, { value: 0 }, { expectResponse: false })).resolves.toBeUndefined();
    await expect(conn.send(Echo, { value: 5 })).resolves.toBe(5);
    expect(broker.requestsOf(Echo.apiKey)).toHaveLength(2);
  });

  test('an answer to a request sent without expecting one (the mock cluster does that for acks=0) is dropped', async () => {
    const conn = await connected();
    const closed = jest.fn();
    conn.onClose(closed);
    await conn.send(Echo, { value: 1 }, { expectResponse: false });
    await conn.send(Echo, { value: 2 }, { expectResponse: false });
    await expect(conn.send(Echo, { value: 3 })).resolves.toBe(3);
    await expect(conn.send(Echo, { value: 4 })).resolves.toBe(4);
    expect(closed).not.toHaveBeenCalled();
    expect(conn.isConnected).toBe(true);
  });

  test('a mismatching correlation id closes the connection and rejects everything in flight', async () => {
    const conn = await connected();
    broker.onRequest = (req) => {
      if (parseEcho(req.body).value === 2) req.conn.reply(req.correlationId + 100, echoBody(0));
    };
    const closed = new Promise<Error | undefined>((resolve) => conn.onClose(resolve));
    const a = failure(conn.send(Echo, { value: 1 }));
    const b = failure(conn.send(Echo, { value: 2 }));
    const [ea, eb] = await Promise.all([a, b]);
    expect(ea).toBeInstanceOf(ProtocolDecodeError);
    expect(ea.message).toMatch(/correlation id 102 while the oldest request in flight is Echo with correlation id 1/);
    expect(eb).toBe(ea);
    expect((ea as ProtocolDecodeError).retriable).toBe(true);
    expect(await closed).toBe(ea);
    expect(conn.isConnected).toBe(false);
    await expect(conn.send(Echo, { value: 3 })).rejects.toBeInstanceOf(ConnectionError);
  });

  test('a response that does not decode rejects with ProtocolDecodeError and the process carries on', async () => {
    const conn = await connected();
    broker.onRequest = (req) => req.conn.reply(req.correlationId, Buffer.from([1, 2])); // int32 needs 4 bytes
    const err = await failure(conn.send(Echo, { value: 1 }));
    expect(err).toBeInstanceOf(ProtocolDecodeError);
    expect(err.message).toMatch(/Echo v2 response from 127\.0\.0\.1:\d+ \(nodeId 1\)/);
    expect(conn.isClosed).toBe(true);
    // Still alive: a new connection works.
    broker.onRequest = echoHandler;
    const again = connection();
    await again.connect();
    await expect(again.send(Echo, { value: 9 })).resolves.toBe(9);
  });

  test('a frame size above maxFrameBytes is a ProtocolDecodeError, not a huge allocation', async () => {
    const conn = await connected({}, { maxFrameBytes: 1024 });
    broker.onRequest = (req) => {
      const header = Buffer.alloc(8);
      header.writeInt32BE(1 << 30, 0);
      header.writeInt32BE(req.correlationId, 4);
      req.conn.write(header);
    };
    const err = await failure(conn.send(Echo, { value: 1 }));
    expect(err).toBeInstanceOf(ProtocolDecodeError);
    expect(err.message).toMatch(/frame size 1073741824 is outside 0\.\.1024/);
  });

  test('a response with nothing in flight closes the connection', async () => {
    const conn = await connected();
    const closed = new Promise<Error | undefined>((resolve) => conn.onClose(resolve));
    broker.connections[0].reply(42, echoBody(1));
    const cause = await closed;
    expect(cause).toBeInstanceOf(ProtocolDecodeError);
    expect(cause!.message).toMatch(/no request in flight/);
  });
});

describe('timeouts and closing', () => {
  test('an expired request closes the connection: it gets RequestTimeoutError, the others ConnectionError', async () => {
    const scheduler = new VirtualTimeScheduler();
    const conn = await connected({}, { requestTimeoutMs: 150, time: timeOn(scheduler) });
    broker.onRequest = () => {};
    const first = failure(conn.send(Echo, { value: 1 }));
    await advanceTo(scheduler, 50);
    const second = failure(conn.send(Echo, { value: 2 }));
    await advanceTo(scheduler, 149);
    expect(conn.isConnected).toBe(true);
    await advanceTo(scheduler, 150); // the first one's deadline; the second's is at 200
    const [e1, e2] = await Promise.all([first, second]);
    expect(e1).toBeInstanceOf(RequestTimeoutError);
    expect(e1.message).toMatch(/Echo request to .* got no response within requestTimeoutMs=150/);
    expect(e2).toBeInstanceOf(ConnectionError);
    expect(e2.message).toMatch(/closed because a Echo request got no response/);
    expect(conn.isClosed).toBe(true);
    await until(() => broker.connections[0].socket.destroyed || broker.connections[0].socket.readableEnded);
  });

  test('requests answered in time never time out, even long after', async () => {
    const scheduler = new VirtualTimeScheduler();
    const conn = await connected({}, { requestTimeoutMs: 100, time: timeOn(scheduler) });
    for (let i = 0; i < 5; i++) {
      await expect(conn.send(Echo, { value: i })).resolves.toBe(i);
      await advanceTo(scheduler, scheduler.now() + 40);
    }
    await advanceTo(scheduler, scheduler.now() + 150);
    expect(conn.isConnected).toBe(true);
  });

  test('close() rejects pending requests with ConnectionError carrying the cause, once', async () => {
    const conn = await connected();
    broker.onRequest = () => {};
    const listener = jest.fn();
    const unsubscribed = jest.fn();
    conn.onClose(listener);
    conn.onClose(unsubscribed)();
    const pending = failure(conn.send(Echo, { value: 1 }));
    const cause = new Error('shutting down');
    conn.close(cause);
    conn.close(new Error('again'));
    const err = await pending;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toMatch(/closed: shutting down/);
    expect((err as ConnectionError).cause).toBe(cause);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledWith(cause);
    expect(unsubscribed).not.toHaveBeenCalled();
    expect(conn.inFlightCount).toBe(0);
  });

  test('the broker closing the socket rejects in-flight requests', async () => {
    const conn = await connected();
    broker.onRequest = (req) => req.conn.socket.end();
    const err = await failure(conn.send(Echo, { value: 1 }));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toMatch(/closed by the broker/);
    expect(conn.isClosed).toBe(true);
  });

  test('a closed connection leaves no timer or socket behind', async () => {
    const before = countResources();
    const conn = await connected({}, { requestTimeoutMs: 60000 });
    broker.onRequest = () => {};
    const pending = conn.send(Echo, { value: 1 }).catch(() => undefined);
    expect(countResources().Timeout).toBeGreaterThan(before.Timeout);
    conn.close();
    await pending;
    await broker.stop();
    await until(() => countResources().TCPSocketWrap <= before.TCPSocketWrap);
    expect(countResources().Timeout).toBe(before.Timeout);
    broker = await FakeBroker.start(); // for afterEach
  });
});

describe('write backpressure', () => {
  test.each([
    ['copied into the frame', false],
    ['shared (gathered writes)', true],
  ])('frames wait for drain while the socket is full, then all arrive intact and in order: payloads %s', async (_, shared) => {
    const conn = await connected({}, { requestTimeoutMs: 30000 });
    const received: Array<{ value: number; ok: boolean }> = [];
    broker.onRequest = (req) => {
      const { value, payload } = parseEcho(req.body);
      received.push({ value, ok: payload.equals(payloadFor(value)) });
      req.conn.reply(req.correlationId, echoBody(value));
    };
    const serverSocket = broker.connections[0].socket;
    serverSocket.pause();
    const count = 24;
    const results = Promise.all(
      Array.from({ length: count }, (_, value) => conn.send(Echo, { value, payload: payloadFor(value), shared })),
    );
    const out = (conn as unknown as { out: RequestWriter }).out;
    expect(out.isWaitingForDrain).toBe(true);
    expect(out.queuedCount).toBeGreaterThan(0);
    expect(conn.inFlightCount).toBe(count);
    serverSocket.resume();
    await expect(results).resolves.toEqual(Array.from({ length: count }, (_, value) => value));
    expect(received.map((r) => r.value)).toEqual(Array.from({ length: count }, (_, value) => value));
    expect(received.every((r) => r.ok)).toBe(true);
    expect(out.queuedCount).toBe(0);
    expect(out.isWaitingForDrain).toBe(false);
  });
});

describe('a close by the broker says what it most likely means', () => {
  test("at the first request after ApiVersions, without SASL: maybe a SASL listener (Kafka's close it so); retriable", async () => {
    const conn = await connected();
    broker.onRequest = (req) => req.conn.socket.end();
    const err = await failure(conn.send(Echo, { value: 1 }));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ retriable: true });
    expect(err.message).toMatch(/closed by the broker at the first request after ApiVersions: if this is a SASL_PLAINTEXT or SASL_SSL listener, set sasl/);
  });

  test('once a request was answered, a close is only a close', async () => {
    const conn = await connected();
    expect(await conn.send(Echo, { value: 1 })).toBe(1);
    broker.onRequest = (req) => req.conn.socket.end();
    const err = await failure(conn.send(Echo, { value: 2 }));
    expect(err.message).toMatch(/closed by the broker$/);
  });
});

/** 256 KiB, different for every value, so that a reused buffer would be detected. */
function payloadFor(value: number): Buffer {
  const b = Buffer.alloc(256 * 1024);
  for (let i = 0; i < b.length; i += 4) b.writeInt32BE((value * 7919 + i) | 0, i);
  return b;
}

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

function countResources(): { Timeout: number; TCPSocketWrap: number } {
  const all = process.getActiveResourcesInfo();
  return {
    Timeout: all.filter((r) => r === 'Timeout').length,
    TCPSocketWrap: all.filter((r) => r === 'TCPSocketWrap').length,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
