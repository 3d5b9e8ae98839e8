import { VirtualTimeScheduler } from 'rxjs';
import { Connection } from '../../src/network/Connection';
import type { ConnectionEvent } from '../../src/network/ConnectionEvent';
import { ConnectionPool, type ConnectionPoolOptions, type PoolConnectionOptions } from '../../src/network/ConnectionPool';
import { ConnectionError, RxKafkaError } from '../../src/errors';
import { timeOn } from '../../src/time/Time';
import { advanceTo } from '../support/virtualTime';
import { Echo, FakeBroker, echoHandler, failure, silentLogger, unusedPort } from '../support/fakeBroker';

let broker: FakeBroker;
let pool: ConnectionPool;
/** The pool's clock (reconnect backoff) and its connections' timers; the sockets are real. */
let scheduler: VirtualTimeScheduler;
let created: PoolConnectionOptions[];

beforeEach(async () => {
  broker = await FakeBroker.start();
  broker.onRequest = echoHandler;
  scheduler = new VirtualTimeScheduler();
  created = [];
  pool = new ConnectionPool({
    ...poolOptions(),
    createConnection: (_node, opts) => {
      created.push(opts);
      return new Connection(opts);
    },
  });
});

/** The options of every pool here, on the test's virtual clock. */
function poolOptions(): ConnectionPoolOptions {
  return {
    clientId: 'pool-test',
    requestTimeoutMs: 5000,
    connectionSetupTimeoutMs: 5000,
    reconnectBackoffMs: 100,
    reconnectBackoffMaxMs: 1000,
    logger: silentLogger,
    time: timeOn(scheduler),
  };
}

afterEach(async () => {
  pool.close();
  await broker.stop();
});

const node = () => ({ nodeId: 1, host: broker.host, port: broker.port });

describe('ConnectionPool', () => {
  test('concurrent get() calls share one connect and one connection', async () => {
    const a = pool.get(node());
    const b = pool.get(node());
    expect(b).toBe(a);
    const [ca, cb] = await Promise.all([a, b]);
    expect(ca).toBe(cb);
    expect(await pool.get(node())).toBe(ca);
    expect(pool.connected(node())).toBe(ca);
    expect(broker.connections).toHaveLength(1);
    expect(created).toHaveLength(1);
    await expect(ca.send(Echo, { value: 3 })).resolves.toBe(3);
  });

  test('a failed connect starts a growing, jittered reconnect backoff during which get() fails fast', async () => {
    const dead = { nodeId: 2, host: '127.0.0.1', port: await unusedPort() };
    const first = await failure(pool.get(dead));
    expect(first).toBeInstanceOf(ConnectionError);
    expect(first.message).toMatch(/ECONNREFUSED/);
    expect(pool.isBlackedOut(2, scheduler.now())).toBe(true);
    const until1 = pool.blackoutUntilMs(2) - scheduler.now();
    expect(until1).toBeGreaterThanOrEqual(80);
    expect(until1).toBeLessThanOrEqual(120);

    const fast = await failure(pool.get(dead));
    expect(fast).toBeInstanceOf(ConnectionError);
    expect((fast as ConnectionError).retriable).toBe(true);
    expect(fast.message).toMatch(/in reconnect backoff after 1 failure\(s\) \(last: .*ECONNREFUSED.*\); next attempt in \d+ ms/);
    expect(created).toHaveLength(1);

    await advanceTo(scheduler, scheduler.now() + until1);
    expect(pool.isBlackedOut(2, scheduler.now())).toBe(false);
    await failure(pool.get(dead));
    expect(created).toHaveLength(2);
    const until2 = pool.blackoutUntilMs(2) - scheduler.now();
    expect(until2).toBeGreaterThanOrEqual(160);
    expect(until2).toBeLessThanOrEqual(240);
  });

  test('a connection closed by the broker is dropped; the next get() after the backoff reconnects', async () => {
    const conn = await pool.get(node());
    const closed = new Promise((resolve) => conn.onClose(resolve));
    broker.connections[0].socket.destroy();
    await closed;
    expect(pool.connected(node())).toBeUndefined();
    expect(pool.isBlackedOut(1, scheduler.now())).toBe(true);
    await advanceTo(scheduler, scheduler.now() + 1000);
    const again = await pool.get(node());
    expect(again).not.toBe(conn);
    expect(again.isConnected).toBe(true);
    expect(broker.connections).toHaveLength(2);
  });

  test('a node at a new address gets a new connection and the old one is closed', async () => {
    const other = await FakeBroker.start();
    try {
      const old = await pool.get(node());
      const moved = { nodeId: 1, host: other.host, port: other.port };
      expect(pool.connected(moved)).toBeUndefined();
      const fresh = await pool.get(moved);
      expect(fresh).not.toBe(old);
      expect(old.isClosed).toBe(true);
      expect(other.connections).toHaveLength(1);
      expect(pool.connected(moved)).toBe(fresh);
    } finally {
      await other.stop();
    }
  });

  test('close() closes every connection and later get() calls reject', async () => {
    const conn = await pool.get(node());
    pool.close();
    expect(conn.isClosed).toBe(true);
    const err = await failure(pool.get(node()));
    expect(err).toBeInstanceOf(RxKafkaError);
    expect(err.message).toMatch(/pool is closed/);
  });

  test('reports each connect, failed connect and lost connection to onEvent, and not the closes it makes itself', async () => {
    const events: ConnectionEvent[] = [];
    const observed = new ConnectionPool({ ...poolOptions(), onEvent: (e) => events.push(e) });
    try {
      const dead = { nodeId: 2, host: '127.0.0.1', port: await unusedPort() };
      await failure(observed.get(dead));
      // A get() during the backoff tries nothing: nothing to report.
      await failure(observed.get(dead));
      const connection = await observed.get(node());
      const closed = new Promise<void>((resolve) => connection.onClose(() => resolve()));
      broker.connections[0].socket.destroy();
      await closed;
      const live = `127.0.0.1:${broker.port}`;
      expect(events.map((e) => [e.type, e.nodeId, e.broker])).toEqual([
        ['connectFailed', 2, `127.0.0.1:${dead.port}`],
        ['connected', 1, live],
        ['disconnected', 1, live],
      ]);
      expect((events[0] as { error: Error }).error.message).toMatch(/ECONNREFUSED/);
      await advanceTo(scheduler, observed.blackoutUntilMs(1));
      await observed.get(node());
      observed.closeNode(1);
      observed.close();
      expect(events.map((e) => e.type)).toEqual(['connectFailed', 'connected', 'disconnected', 'connected']);
    } finally {
      observed.close();
    }
  });
});
