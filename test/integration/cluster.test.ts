// Cluster (metadata cache and refresh) over a real ConnectionPool against the librdkafka mock
// cluster of this jest project's version.
import pino from 'pino';
import { firstValueFrom } from 'rxjs';
import { Cluster, type ClusterOptions } from '../../src/cluster/Cluster';
import { ConnectionError, KafkaProtocolError } from '../../src/errors';
import { ConnectionPool } from '../../src/network/ConnectionPool';
import { Metadata } from '../../src/protocol/Metadata';
import { MockCluster } from '../support/MockCluster';
import { failure } from '../support/rejection';
import { retry, sleep, unusedPort, waitUntil } from '../support/wait';

const logger = pino({ level: 'silent' });
const TOPIC = 'cl-orders';

let mock: MockCluster;
const cleanups: Array<() => void> = [];

function makeCluster(extra: Partial<ClusterOptions> = {}, bootstrap?: string[]): Cluster {
  const pool = new ConnectionPool({
    clientId: 'rxkafka-it',
    requestTimeoutMs: 5000,
    connectionSetupTimeoutMs: 2000,
    reconnectBackoffMs: 50,
    reconnectBackoffMaxMs: 200,
    logger,
  });
  const cluster = new Cluster({
    bootstrap: bootstrap ?? [mock.bootstrap],
    pool,
    metadataMaxAgeMs: 300000,
    retryBackoffMs: 50,
    retryBackoffMaxMs: 200,
    allowAutoTopicCreation: false,
    logger,
    ...extra,
  });
  cleanups.push(() => {
    cluster.close();
    pool.close();
  });
  return cluster;
}


beforeAll(async () => {
  mock = await MockCluster.start({ brokers: 3 });
  await mock.createTopic(TOPIC, 6, 3);
});

afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

afterAll(async () => {
  await mock?.stop();
});

describe(`cluster metadata against mock ${process.env.RXKAFKA_MOCK_VERSION ?? '2.12'}`, () => {
  test('waitForTopic: 6 partitions led by brokers 1..3, at the highest common Metadata version', async () => {
    const cluster = makeCluster();
    const topic = await cluster.waitForTopic(TOPIC, 10000);
    expect(topic.partitions).toHaveLength(6);
    topic.partitions.forEach((p, i) => {
      expect(p.partition).toBe(i);
      expect([1, 2, 3]).toContain(p.leader);
    });
    expect([...cluster.brokers.keys()].sort()).toEqual([1, 2, 3]);
    expect(cluster.leaderFor(TOPIC, 0)?.nodeId).toBe(topic.partitions[0].leader);

    const conn = await cluster.connection(1);
    const advertised = conn.apiVersions.get(Metadata.apiKey)!;
    expect(cluster.metadataVersion).toBe(Math.min(advertised.maxVersion, Metadata.maxVersion));
    if (mock.version === '2.12') expect(cluster.metadataVersion).toBeGreaterThan(8);
    else expect(cluster.metadataVersion).toBeLessThanOrEqual(2);
  });

  test('a leader change is visible after refresh, and requestUpdate() delivers it via updates$', async () => {
    const cluster = makeCluster();
    await cluster.waitForTopic(TOPIC, 10000);
    const before = cluster.leaderFor(TOPIC, 1)!.nodeId;
    const moved = (before % 3) + 1;
    await mock.setLeader(TOPIC, 1, moved);
    await cluster.refresh();
    expect(cluster.leaderFor(TOPIC, 1)?.nodeId).toBe(moved);

    const back = (moved % 3) + 1;
    await mock.setLeader(TOPIC, 1, back);
    const updated = firstValueFrom(cluster.updates$);
    cluster.requestUpdate();
    cluster.requestUpdate();
    await updated;
    expect(cluster.leaderFor(TOPIC, 1)?.nodeId).toBe(back);
  });

  test('a partition left without a leader is refreshed until it has one again', async () => {
    const cluster = makeCluster();
    await cluster.waitForTopic(TOPIC, 10000);
    await mock.setLeader(TOPIC, 2, -1);
    await cluster.refresh();
    expect(cluster.leaderFor(TOPIC, 2)).toBeUndefined();
    await mock.setLeader(TOPIC, 2, 3);
    // No refresh() call: the leaderless partition keeps refreshes coming.
    await waitUntil(() => cluster.leaderFor(TOPIC, 2)?.nodeId === 3, 5000);
  });

  test('broker down: connecting to it fails while metadata still comes from the others; after up it reconnects', async () => {
    const cluster = makeCluster();
    await cluster.waitForTopic(TOPIC, 10000);
    await cluster.connection(2);
    try {
      await mock.brokerDown(2);
      await waitUntil(() => cluster.connectedConnection(2) === undefined, 5000);
      const err = await failure(cluster.connection(2));
      expect(err).toBeInstanceOf(ConnectionError);
      await cluster.refresh();
      // 2.12 drops a down broker from Metadata; 2.0.2 keeps listing it.
      if (mock.version === '2.12') expect(cluster.brokers.has(2)).toBe(false);
      await mock.brokerUp(2);
      await cluster.refresh();
      const conn = await retry(() => cluster.connection(2), 5000);
      expect(conn.isConnected).toBe(true);
    } finally {
      await mock.brokerUp(2);
    }
  });

  test('LEADER_NOT_AVAILABLE for a topic is retried until it clears', async () => {
    const name = 'cl-electing';
    await mock.createTopic(name, 2, 1);
    await mock.setTopicError(name, 5);
    const cluster = makeCluster();
    const waiting = cluster.waitForTopic(name, 10000);
    await sleep(300);
    await mock.setTopicError(name, 0);
    const topic = await waiting;
    expect(topic.partitions).toHaveLength(2);
  });

  test('TOPIC_AUTHORIZATION_FAILED rejects at once with a non-retriable error', async () => {
    const name = 'cl-forbidden';
    await mock.createTopic(name, 1, 1);
    await mock.setTopicError(name, 29);
    const cluster = makeCluster();
    const started = Date.now();
    const err = await failure(cluster.waitForTopic(name, 30000));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err).toBeInstanceOf(KafkaProtocolError);
    expect((err as KafkaProtocolError).type).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect((err as KafkaProtocolError).retriable).toBe(false);
  });

  test('auto-creation on: the mock creates an unknown topic (4 partitions)', async () => {
    const cluster = makeCluster({ allowAutoTopicCreation: true });
    const topic = await cluster.waitForTopic('cl-auto-created', 10000);
    expect(topic.partitions).toHaveLength(4);
  });

  test('auto-creation off: refused from Metadata v4 on (older versions cannot say no)', async () => {
    const cluster = makeCluster();
    const waiting = cluster.waitForTopic('cl-not-there', 1500);
    const outcome = await waiting.then(
      (t) => t,
      (e: Error) => e,
    );
    if (cluster.metadataVersion >= 4) {
      expect(outcome).toBeInstanceOf(KafkaProtocolError);
      expect((outcome as Error).message).toMatch(
        /no metadata for topic 'cl-not-there' after 1500 ms: topic 'cl-not-there' does not exist and auto-creation is off; create the topic, or set allowAutoTopicCreation: true/,
      );
    } else {
      // Metadata v0-v3 has no AllowAutoTopicCreation flag: the broker's setting decides.
      expect(outcome).toMatchObject({ name: 'cl-not-there' });
    }
  });

  test('every bootstrap address unreachable: one error naming each and saying what to check', async () => {
    const ports = [await unusedPort(), await unusedPort()];
    const cluster = makeCluster({}, ports.map((p) => `127.0.0.1:${p}`));
    const err = await failure(cluster.refresh());
    expect(err).toBeInstanceOf(ConnectionError);
    for (const p of ports) expect(err.message).toContain(`127.0.0.1:${p}: connect ECONNREFUSED`);
    expect(err.message).toMatch(/check that 'brokers' lists reachable Kafka listeners/);

    const wait = await failure(cluster.waitForTopic(TOPIC, 1000));
    expect(wait.message).toMatch(new RegExp(`no metadata for topic '${TOPIC}' after 1000 ms: .*ECONNREFUSED`));
  });
});
