// Connection and ConnectionPool against the librdkafka mock cluster (the version this jest project
// selects): negotiation, raw Metadata, pipelining, slow and vanishing brokers.
import pino from 'pino';
import { Connection } from '../../src/network/Connection';
import { ConnectionPool } from '../../src/network/ConnectionPool';
import { ConnectionError, RequestTimeoutError } from '../../src/errors';
import { ApiVersions } from '../../src/protocol/ApiVersions';
import { Metadata } from '../../src/protocol/Metadata';
import { Produce } from '../../src/protocol/Produce';
import { MockCluster } from '../support/MockCluster';
import { failure } from '../support/rejection';
import { retry, sleep, unusedPort } from '../support/wait';

const logger = pino({ level: 'silent' });
const TOPIC = 'net-orders';

let mock: MockCluster;
const opened: Connection[] = [];

function address(id: number): { host: string; port: number } {
  const hostPort = mock.brokers[id - 1];
  const i = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) };
}

function connectionTo(id: number, requestTimeoutMs = 10000): Connection {
  const conn = new Connection({
    ...address(id),
    nodeId: id,
    clientId: 'rxkafka-it',
    requestTimeoutMs,
    connectionSetupTimeoutMs: 10000,
    logger,
  });
  opened.push(conn);
  return conn;
}


beforeAll(async () => {
  mock = await MockCluster.start({ brokers: 3 });
  await mock.createTopic(TOPIC, 6, 3);
});

afterEach(() => {
  for (const c of opened.splice(0)) c.close();
});

afterAll(async () => {
  await mock?.stop();
});

describe(`network against mock ${process.env.RXKAFKA_MOCK_VERSION ?? '2.12'}`, () => {
  test('negotiates the highest versions both sides support', async () => {
    const conn = connectionTo(1);
    await conn.connect();
    expect(conn.isConnected).toBe(true);

    const metadata = conn.apiVersions.get(Metadata.apiKey)!;
    const produce = conn.apiVersions.get(Produce.apiKey)!;
    expect(metadata).toBeDefined();
    expect(produce).toBeDefined();
    const metadataVersion = conn.versionFor(Metadata);
    const produceVersion = conn.versionFor(Produce);
    expect(metadataVersion).toBe(Math.min(metadata.maxVersion, Metadata.maxVersion));
    expect(produceVersion).toBe(Math.min(produce.maxVersion, Produce.maxVersion));
    // Flexible encoding exactly when the broker goes that far.
    expect(metadataVersion >= Metadata.flexibleFrom).toBe(metadata.maxVersion >= Metadata.flexibleFrom);
    if (mock.version === '2.12') expect(metadataVersion).toBeGreaterThan(8);
    else expect(metadataVersion).toBeLessThanOrEqual(2);
    // Both mocks answer ApiVersions v3 with UNSUPPORTED_VERSION (max v2): the fallback must have run.
    expect(conn.apiVersions.get(ApiVersions.apiKey)!.maxVersion).toBeLessThan(3);
  });

  test('Metadata on a raw connection: the created topic has 6 partitions led by brokers 1..3', async () => {
    const conn = connectionTo(2);
    await conn.connect();
    const res = await conn.send(Metadata, { topics: [TOPIC], allowAutoTopicCreation: false });
    expect(res.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
    const [topic] = res.topics;
    expect(topic).toMatchObject({ name: TOPIC, errorCode: 0 });
    expect(topic.partitions.map((p) => p.partitionIndex).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const p of topic.partitions) expect([1, 2, 3]).toContain(p.leaderId);
  });

  test('many pipelined requests on one connection are all answered, in order', async () => {
    const conn = connectionTo(1);
    await conn.connect();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => conn.send(Metadata, { topics: [TOPIC], allowAutoTopicCreation: false })),
    );
    expect(responses).toHaveLength(50);
    for (const r of responses) expect(r.topics[0].partitions).toHaveLength(6);
    expect(conn.inFlightCount).toBe(0);
  });

  test('a slow broker: the request times out and the connection closes', async () => {
    const conn = connectionTo(3, 300);
    await conn.connect();
    await mock.setRtt(3, 1500);
    try {
      const err = await failure(conn.send(Metadata, { topics: [TOPIC], allowAutoTopicCreation: false }));
      expect(err).toBeInstanceOf(RequestTimeoutError);
      expect(err.message).toMatch(/Metadata request to .* \(nodeId 3\) got no response within requestTimeoutMs=300/);
      expect(conn.isClosed).toBe(true);
    } finally {
      await mock.setRtt(3, 0);
    }
  });

  test('broker down: its connection closes and connects fail; after up, the pool reconnects', async () => {
    const pool = new ConnectionPool({
      clientId: 'rxkafka-it',
      requestTimeoutMs: 5000,
      connectionSetupTimeoutMs: 5000,
      reconnectBackoffMs: 50,
      reconnectBackoffMaxMs: 200,
      logger,
    });
    const node = { nodeId: 2, ...address(2) };
    try {
      const conn = await pool.get(node);
      const closed = new Promise<Error | undefined>((resolve) => conn.onClose(resolve));
      await mock.brokerDown(2);
      const cause = await closed;
      expect(cause).toBeInstanceOf(ConnectionError);
      expect(pool.connected(node)).toBeUndefined();

      await sleep(250);
      const refused = await failure(pool.get(node));
      expect(refused).toBeInstanceOf(ConnectionError);
      expect((refused as ConnectionError).retriable).toBe(true);

      await mock.brokerUp(2);
      const again = await retry(() => pool.get(node), 5000);
      expect(again).not.toBe(conn);
      const res = await again.send(Metadata, { topics: [TOPIC], allowAutoTopicCreation: false });
      expect(res.topics[0].partitions).toHaveLength(6);
    } finally {
      pool.close();
      await mock.brokerUp(2);
    }
  });

  test('an address nobody listens on fails with a ConnectionError naming it', async () => {
    const port = await unusedPort();
    const conn = new Connection({
      host: '127.0.0.1',
      port,
      nodeId: -1,
      clientId: 'rxkafka-it',
      requestTimeoutMs: 1000,
      connectionSetupTimeoutMs: 1000,
      logger,
    });
    const err = await failure(conn.connect());
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toBe(`connection to 127.0.0.1:${port} (bootstrap): connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});
