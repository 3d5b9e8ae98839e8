// Connection over TLS against a node:tls terminator in front of the fake broker, with a test CA:
// what works, and the handshake failures (each a typed, non-retriable SslAuthenticationError that
// names what to check). The real broker behind stunnel is in test/integration/tls.test.ts.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Connection } from '../../src/network/Connection';
import type { BrokerTlsOptions } from '../../src/network/brokerSocket';
import { ConnectionError, SslAuthenticationError } from '../../src/errors';
import { tlsAnswerError, tlsHandshakeError } from '../../src/network/tlsFailure';
import { makeTestPki, type TestPki } from '../support/testCa';
import { Echo, echoHandler, failure, FakeBroker, silentLogger } from '../support/fakeBroker';

let pki: TestPki;
let broker: FakeBroker;
const servers: net.Server[] = [];
const open: Connection[] = [];

beforeAll(async () => {
  pki = await makeTestPki();
  broker = await FakeBroker.start();
  broker.onRequest = echoHandler;
});

afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

afterAll(async () => {
  for (const s of servers) s.close();
  await broker.stop();
  pki.remove();
});

/** A TLS listener that passes the decrypted bytes to the fake broker. */
async function terminator(options: tls.TlsOptions = {}): Promise<number> {
  const server = tls.createServer({ cert: pki.serverCert.pem, key: pki.serverKey.pem, ...options }, (socket) => {
    const upstream = net.connect(broker.port, '127.0.0.1');
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  server.on('tlsClientError', () => undefined);
  return listen(server);
}

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

function connection(port: number, tlsOptions: BrokerTlsOptions, host = '127.0.0.1'): Connection {
  const conn = new Connection({
    host,
    port,
    nodeId: 1,
    clientId: 'tls-test',
    requestTimeoutMs: 5000,
    connectionSetupTimeoutMs: 5000,
    logger: silentLogger,
    tls: tlsOptions,
  });
  open.push(conn);
  return conn;
}

async function refusal(conn: Connection): Promise<SslAuthenticationError> {
  const err = await failure(conn.connect());
  expect(err).toBeInstanceOf(SslAuthenticationError);
  expect(err).toMatchObject({ retriable: false, broker: conn.broker });
  expect(conn.isClosed).toBe(true);
  return err as SslAuthenticationError;
}

describe('TLS connections', () => {
  test('trusting the test CA: negotiates and answers over TLS', async () => {
    const port = await terminator();
    const conn = connection(port, { ca: pki.ca.pem });
    await conn.connect();
    expect(await conn.send(Echo, { value: 7 })).toBe(7);
  });

  test('localhost matches the certificate too; servername overrides the name checked', async () => {
    const port = await terminator();
    await connection(port, { ca: pki.ca.pem }, 'localhost').connect();
    await connection(port, { ca: pki.ca.pem, servername: 'localhost' }).connect();
  });

  test('rejectUnauthorized: false connects to an untrusted broker (tests only)', async () => {
    const port = await terminator();
    await connection(port, { rejectUnauthorized: false }).connect();
  });

  test('a client certificate for a broker that requires one', async () => {
    const port = await terminator({ requestCert: true, rejectUnauthorized: true, ca: pki.ca.pem });
    const conn = connection(port, { ca: pki.ca.pem, cert: pki.clientCert.pem, key: pki.clientKey.pem });
    await conn.connect();
    expect(await conn.send(Echo, { value: 8 })).toBe(8);
  });
});

describe('TLS handshake failures are typed, not retried, and say what to check', () => {
  test.each([
    ['the system CAs only', {}],
    ['the wrong CA', { ca: 'other' }],
  ])('an untrusted broker certificate (%s)', async (_what, opts) => {
    const port = await terminator();
    const err = await refusal(connection(port, 'ca' in opts ? { ca: pki.otherCa.pem } : {}));
    expect(err.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(err.message).toMatch(
      /^authentication with 127\.0\.0\.1:\d+ \(nodeId 1\) failed: TLS: .* \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\): the broker's certificate is not signed by a CA this client trusts: set ssl\.ca/,
    );
  });

  test('a certificate for another host name', async () => {
    const port = await terminator();
    const err = await refusal(connection(port, { ca: pki.ca.pem, servername: 'kafka.example.com' }));
    expect(err.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(err.message).toMatch(/not for 'kafka.example.com': connect with a name its certificate lists .* or set ssl.servername/);
  });

  test('no client certificate for a broker that requires one', async () => {
    const port = await terminator({ requestCert: true, rejectUnauthorized: true, ca: pki.ca.pem });
    const err = await refusal(connection(port, { ca: pki.ca.pem }));
    expect(err.message).toMatch(/refused this client's certificate: set ssl.cert and ssl.key/);
  });

  test('a listener that does not speak TLS', async () => {
    const port = await listen(net.createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    const err = await refusal(connection(port, { ca: pki.ca.pem }));
    expect(err.message).toMatch(/does not speak TLS on this port: is it a PLAINTEXT or SASL_PLAINTEXT listener\? Then remove ssl/);
  });
});

describe('TLS and plaintext crossed, as a real Kafka listener answers them', () => {
  test('a plaintext connection to a TLS listener: the alert it answers with fails the connection at once, typed, saying to set ssl', async () => {
    // Kafka's SSL listener (Java's SSLEngine) answers bytes that are no TLS hello with a fatal
    // alert record (node:tls would close without one).
    const alert = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x0a]);
    const port = await listen(net.createServer((socket) => socket.once('data', () => socket.end(alert))));
    const conn = new Connection({ host: '127.0.0.1', port, nodeId: 1, clientId: 'tls-test', requestTimeoutMs: 5000, connectionSetupTimeoutMs: 5000, logger: silentLogger });
    open.push(conn);
    const err = await refusal(conn);
    expect(err.code).toBe('TLS_EXPECTED');
    expect(err.message).toMatch(/answered in TLS: this port is an SSL or SASL_SSL listener; set ssl/);
  });

  test('TLS to a listener that closes on the hello (Kafka reads it as a 350 MB request): retriable, saying to remove ssl', async () => {
    const port = await listen(net.createServer((socket) => socket.once('data', () => socket.end())));
    const err = await failure(connection(port, { ca: pki.ca.pem }).connect());
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ retriable: true });
    expect(err.message).toMatch(/closed by the broker during the TLS handshake: if this is a PLAINTEXT or SASL_PLAINTEXT listener, remove ssl/);
  });
});

describe('tlsAnswerError', () => {
  test('only a TLS record header (alert or handshake, version 3.0-3.4) is one; a Kafka frame size never looks like it', () => {
    expect(tlsAnswerError(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]), 'b')).toBeInstanceOf(SslAuthenticationError);
    expect(tlsAnswerError(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x40]), 'b')).toBeInstanceOf(SslAuthenticationError);
    for (const bytes of [[0x00, 0x00, 0x01, 0x2c], [0x15, 0x04, 0x03], [0x17, 0x03, 0x03], [0x15, 0x03]]) {
      expect(tlsAnswerError(Buffer.from(bytes), 'b')).toBeUndefined();
    }
  });
});

describe('tlsHandshakeError', () => {
  const err = (code: string) => Object.assign(new Error(`boom ${code}`), { code });

  test.each([
    ['CERT_HAS_EXPIRED', /validity dates .* this machine's clock/],
    ['CERT_NOT_YET_VALID', /validity dates/],
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', /refused this client's certificate/],
    ['ERR_SSL_PACKET_LENGTH_TOO_LONG', /does not speak TLS on this port/],
    ['ERR_SSL_NO_CIPHERS_AVAILABLE', /check the ssl options against the broker listener/],
  ])('%s says what to check', (code, advice) => {
    const e = tlsHandshakeError(err(code), 'b:9093 (nodeId 1)', 'b');
    expect(e).toBeInstanceOf(SslAuthenticationError);
    expect(e!.message).toMatch(advice);
    expect(e!.message).toContain(`(${code})`);
  });

  test('socket errors that are not about TLS stay retriable connection errors', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']) expect(tlsHandshakeError(err(code), 'b', 'b')).toBeUndefined();
  });
});
