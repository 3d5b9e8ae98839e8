// The client's SASL state machine inside Connection (SaslSession), against a fake broker with a
// SASL listener: authentication after ApiVersions, refusals as typed non-retriable errors,
// re-authentication on the same connection (KIP-368) that keeps every request and its order.
import { VirtualTimeScheduler } from 'rxjs';
import { Connection, type ConnectionOptions } from '../../../src/network/Connection';
import { ConnectionPool } from '../../../src/network/ConnectionPool';
import type { SaslOptions } from '../../../src/network/sasl/SaslOptions';
import { ConnectionError, SaslAuthenticationError } from '../../../src/errors';
import { timeOn } from '../../../src/time/Time';
import { unsecuredToken } from '../../support/saslServer';
import { advanceTo } from '../../support/virtualTime';
import { waitUntil } from '../../support/wait';
import { Echo, failure, silentLogger, startFakeSaslBroker, type FakeSaslBroker, type FakeSaslBrokerOptions } from '../../support/fakeBroker';

const USERS = { alice: 'correct horse', bob: 'battery staple' };
const ALL: FakeSaslBrokerOptions['mechanisms'] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'];

let fake: FakeSaslBroker;
const open: Connection[] = [];
/** Where a test runs in virtual time: the connection's timers and clock, the fake's session clock and Echo delays. */
let scheduler: VirtualTimeScheduler;
/** The fake broker's options for a test in virtual time. */
const virtualBroker = (): Partial<FakeSaslBrokerOptions> => ({ scheduler, now: () => scheduler.now() });

beforeEach(() => {
  scheduler = new VirtualTimeScheduler();
});

async function broker(opts: Partial<FakeSaslBrokerOptions> = {}): Promise<FakeSaslBroker> {
  fake = await startFakeSaslBroker({ mechanisms: ALL, users: USERS, ...opts });
  return fake;
}

function connection(sasl: SaslOptions, extra: Partial<ConnectionOptions> = {}): Connection {
  const conn = new Connection({
    host: '127.0.0.1',
    port: fake.broker.port,
    nodeId: 1,
    clientId: 'sasl-test',
    requestTimeoutMs: 5000,
    connectionSetupTimeoutMs: 5000,
    logger: silentLogger,
    sasl,
    ...extra,
  });
  open.push(conn);
  return conn;
}

const password = (mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512', username = 'alice', pw = USERS.alice): SaslOptions => ({
  mechanism,
  username,
  password: pw,
});
const bearer = (provider: () => Promise<{ value: string }>): SaslOptions => ({ mechanism: 'OAUTHBEARER', oauthBearerProvider: provider });
const validToken = async () => ({ value: unsecuredToken('alice', Date.now() + 3600_000) });

afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await fake?.broker.stop();
});

describe('authentication after ApiVersions', () => {
  it.each([
    ['PLAIN', password('PLAIN')],
    ['SCRAM-SHA-256', password('SCRAM-SHA-256')],
    ['SCRAM-SHA-512', password('SCRAM-SHA-512', 'bob', USERS.bob)],
    ['OAUTHBEARER', bearer(validToken)],
  ])('%s: ApiVersions, SaslHandshake v1, SaslAuthenticate v2, then requests', async (mechanism, sasl) => {
    await broker();
    const conn = connection(sasl);
    await conn.connect();
    expect(await conn.send(Echo, { value: 42 })).toBe(42);
    expect(fake.broker.requests.map((r) => r.apiKey).filter((k) => k !== 36)).toEqual([18, 17, Echo.apiKey]);
    expect(fake.broker.requestsOf(17)[0].apiVersion).toBe(1);
    expect(fake.broker.requestsOf(36).every((r) => r.apiVersion === 2)).toBe(true);
    expect(fake.broker.requestsOf(36)).toHaveLength(mechanism.startsWith('SCRAM') ? 2 : 1);
    expect(fake.sessions[0]).toMatchObject({ mechanism, authentications: 1 });
    expect(fake.closures).toEqual([]);
  });

  it('speaks SaslAuthenticate v0 to a broker that knows no more (and gets no session lifetime)', async () => {
    await broker({ saslAuthenticateMax: 0, sessionLifetimeMs: 50, ...virtualBroker() });
    const conn = connection(password('SCRAM-SHA-256'), { time: timeOn(scheduler) });
    await conn.connect();
    await advanceTo(scheduler, 50); // the fake's session ends
    // v0 carries no lifetime, so the client never re-authenticates (the fake still ends the session).
    await failure(conn.send(Echo, { value: 1 }));
    expect(fake.broker.requestsOf(17)).toHaveLength(1);
    expect(fake.closures).toEqual(['expired']);
  });

  it('passes the SASL extensions of the token', async () => {
    await broker();
    const conn = connection(bearer(async () => ({ value: unsecuredToken('alice', Date.now() + 60_000), extensions: { logicalCluster: 'lkc-9' } })));
    await conn.connect();
    expect(fake.sessions[0].extensions).toEqual({ logicalCluster: 'lkc-9' });
  });
});

describe('refusals are typed, not retriable, and say what to check', () => {
  it('a wrong password: SaslAuthenticationError with the broker message, never the password', async () => {
    await broker();
    for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
      const conn = connection(password(mechanism, 'alice', 'Tr0ub4dor&3'));
      const err = await failure(conn.connect());
      expect(err).toBeInstanceOf(SaslAuthenticationError);
      expect(err).toMatchObject({ retriable: false, mechanism, broker: conn.broker });
      expect(err.message).toMatch(new RegExp(`^authentication with 127\\.0\\.0\\.1:\\d+ \\(nodeId 1\\) failed: SASL ${mechanism}: .*Authentication failed`));
      expect(err.message).toMatch(/check sasl.username and sasl.password/);
      expect(err.message).not.toContain('Tr0ub4dor&3');
      expect(conn.isClosed).toBe(true);
    }
  });

  it('an unknown user', async () => {
    await broker();
    const err = await failure(connection(password('SCRAM-SHA-512', 'mallory', 'x')).connect());
    expect(err).toBeInstanceOf(SaslAuthenticationError);
  });

  it('a mechanism the listener does not enable: the enabled ones are named', async () => {
    await broker({ mechanisms: ['SCRAM-SHA-512'] });
    const err = await failure(connection(password('PLAIN')).connect());
    expect(err).toBeInstanceOf(SaslAuthenticationError);
    expect(err.message).toMatch(/does not enable PLAIN; it enables SCRAM-SHA-512: set sasl.mechanism to one of them/);
  });

  it('a broker without SASL', async () => {
    await broker({ noSasl: true });
    const err = await failure(connection(password('PLAIN')).connect());
    expect(err).toBeInstanceOf(SaslAuthenticationError);
    expect(err.message).toMatch(/does not offer SASL .*connect to its SASL_PLAINTEXT or SASL_SSL listener, or remove sasl/);
  });

  it('an expired token: the broker status is reported', async () => {
    await broker();
    const err = await failure(connection(bearer(async () => ({ value: unsecuredToken('alice', Date.now() - 1000) }))).connect());
    expect(err).toBeInstanceOf(SaslAuthenticationError);
    expect(err.message).toMatch(/invalid_token: the token expired \(the broker said \{"status":"invalid_token"\}\); check the token oauthBearerProvider returns/);
    // The client acknowledged the error status (RFC 7628) before the broker ended the exchange.
    expect(fake.broker.requestsOf(36)).toHaveLength(2);
  });

  it('a failing token provider is a retriable ConnectionError (a token service may come back)', async () => {
    await broker();
    const err = await failure(
      connection(
        bearer(async () => {
          throw new Error('idp unreachable');
        }),
      ).connect(),
    );
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ retriable: true });
    expect(err.message).toMatch(/oauthBearerProvider failed: idp unreachable/);
  });

  it('the pool keeps answering with the refusal during its reconnect backoff', async () => {
    await broker();
    const pool = new ConnectionPool({
      clientId: 'sasl-test',
      requestTimeoutMs: 5000,
      connectionSetupTimeoutMs: 5000,
      reconnectBackoffMs: 10_000,
      reconnectBackoffMaxMs: 10_000,
      logger: silentLogger,
      sasl: password('SCRAM-SHA-256', 'alice', 'wrong'),
    });
    try {
      const node = { nodeId: 1, host: '127.0.0.1', port: fake.broker.port };
      const first = await failure(pool.get(node));
      const second = await failure(pool.get(node));
      expect(first).toBeInstanceOf(SaslAuthenticationError);
      expect(second).toBe(first);
      expect(fake.broker.connections).toHaveLength(1);
    } finally {
      pool.close();
    }
  });
});

describe('re-authentication (KIP-368)', () => {
  it('re-authenticates on the same connection before the session ends, keeping in-flight and new requests in order', async () => {
    await broker({ sessionLifetimeMs: 600, echoDelayMs: 150, ...virtualBroker() });
    let tokens = 0;
    const conn = connection(
      bearer(async () => {
        tokens++;
        return validToken();
      }),
      // Re-authenticate at 85 % of the lifetime: 510 ms.
      { random: () => 0, time: timeOn(scheduler) },
    );
    await conn.connect();
    const early = Array.from({ length: 5 }, (_, i) => conn.send(Echo, { value: i }));
    await waitUntil(() => fake.broker.requestsOf(Echo.apiKey).length === 5, 3000); // answered at 150, 300, … 750 ms
    await advanceTo(scheduler, 510);
    // Due now, with early requests still in flight: these wait for the renewal, which the broker
    // reads after the early ones, then go in order.
    expect(fake.echoed).toEqual([0, 1, 2]);
    const late = Array.from({ length: 5 }, (_, i) => conn.send(Echo, { value: 100 + i }));
    expect(conn.inFlightCount).toBeGreaterThanOrEqual(5 + 2);
    await waitUntil(() => fake.broker.requestsOf(17).length === 2, 3000);
    await advanceTo(scheduler, 750); // the last early answer, then the handshake's
    await waitUntil(() => fake.broker.requestsOf(Echo.apiKey).length === 10, 3000);
    await advanceTo(scheduler, 750 + 5 * 150);
    expect(await Promise.all([...early, ...late])).toEqual([0, 1, 2, 3, 4, 100, 101, 102, 103, 104]);
    expect(fake.echoed).toEqual([0, 1, 2, 3, 4, 100, 101, 102, 103, 104]);
    expect(tokens).toBe(2);
    expect(fake.broker.connections).toHaveLength(1);
    expect(fake.sessions[0].authentications).toBe(2);
    expect(fake.closures).toEqual([]);
    // On the wire: the handshake went after the early requests and before every late one.
    const keys = fake.broker.requests.map((r) => (r.apiKey === Echo.apiKey ? `e${r.body.readInt32BE(0)}` : String(r.apiKey)));
    expect(keys.slice(keys.lastIndexOf('17'))).toEqual(['17', '36', 'e100', 'e101', 'e102', 'e103', 'e104']);
  });

  it('re-authenticates again and again while requests keep coming (SCRAM)', async () => {
    await broker({ sessionLifetimeMs: 200, ...virtualBroker() });
    // Due at 85 % of each session: 170 ms after it starts.
    const conn = connection(password('SCRAM-SHA-512', 'bob', USERS.bob), { random: () => 0, time: timeOn(scheduler) });
    await conn.connect();
    const answers: number[] = [];
    for (let i = 0; i < 40; i++) {
      answers.push(await conn.send(Echo, { value: i }));
      await advanceTo(scheduler, scheduler.now() + 15);
    }
    expect(answers).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // Renewed by the sends at 180, 360 and 540 ms (each 170 ms or more after the last renewal).
    expect(fake.sessions[0].authentications).toBe(4);
    expect(fake.broker.connections).toHaveLength(1);
    expect(fake.closures).toEqual([]);
  });

  it('an idle connection re-authenticates at its next request', async () => {
    await broker({ sessionLifetimeMs: 10_000, ...virtualBroker() });
    const conn = connection(password('PLAIN'), { time: timeOn(scheduler), random: () => 0.5 });
    await conn.connect();
    await advanceTo(scheduler, 8_999); // 90 % of 10 s is 9000
    await conn.send(Echo, { value: 1 });
    expect(fake.broker.requestsOf(17)).toHaveLength(1);
    await advanceTo(scheduler, 9_000);
    await conn.send(Echo, { value: 2 });
    expect(fake.broker.requestsOf(17)).toHaveLength(2);
  });

  it('a refused re-authentication fails the held requests with it and closes the connection', async () => {
    await broker({ sessionLifetimeMs: 300, ...virtualBroker() });
    let calls = 0;
    const conn = connection(
      // Token times on the fake's virtual clock: the second token expired before it was made.
      bearer(async () => ({ value: unsecuredToken('alice', ++calls === 1 ? 60_000 : 0, 0) })),
      { random: () => 0, time: timeOn(scheduler) },
    );
    await conn.connect();
    await advanceTo(scheduler, 255); // 85 % of 300 ms
    const held = [conn.send(Echo, { value: 1 }), conn.send(Echo, { value: 2 })];
    const errors = await Promise.all(held.map(failure));
    for (const err of errors) {
      expect(err).toBeInstanceOf(SaslAuthenticationError);
      expect(err).toMatchObject({ retriable: false });
    }
    await waitUntil(() => conn.isClosed, 1000);
    expect(fake.echoed).toEqual([]);
  });
});
