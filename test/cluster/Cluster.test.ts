import { VirtualTimeScheduler } from 'rxjs';
import { Cluster, type ClusterOptions } from '../../src/cluster/Cluster';
import { ConnectionError, KafkaProtocolError, RxKafkaError, SaslAuthenticationError } from '../../src/errors';
import { failure, silentLogger } from '../support/fakeBroker';
import { FakeMetadataPool } from '../support/fakeMetadataPool';
import { realTime, timeOn } from '../../src/time/Time';
import { advanceTo } from '../support/virtualTime';

let pool: FakeMetadataPool;
let cluster: Cluster;
/** The cluster's refresh and wait timers run on it; a backoff's jitter factor is 1 (random 0.5), so times are exact. */
let scheduler: VirtualTimeScheduler;

function makeCluster(extra: Partial<ClusterOptions> = {}): Cluster {
  cluster = new Cluster({
    bootstrap: ['boot1:9092', 'boot2:9092'],
    pool: pool.asPool,
    metadataMaxAgeMs: 300000,
    retryBackoffMs: 100,
    retryBackoffMaxMs: 1000,
    allowAutoTopicCreation: false,
    logger: silentLogger,
    time: timeOn(scheduler),
    random: () => 0.5,
    ...extra,
  });
  return cluster;
}

const sixPartitions = () => ({ partitions: [1, 2, 3, 1, 2, 3].map((leader) => ({ leader })) });

beforeEach(() => {
  scheduler = new VirtualTimeScheduler();
  pool = new FakeMetadataPool();
});

afterEach(() => {
  cluster?.close();
});

/** Lets promise chains and the timers due in the next `ms` of virtual time run. */
async function advance(ms: number): Promise<void> {
  await advanceTo(scheduler, scheduler.now() + ms);
}

/**
 * Runs virtual time to `untilMs` timer by timer; returns the times at which Metadata requests went
 * out since the start (each time once, however many brokers a refresh tried).
 */
async function requestTimesUntil(untilMs: number): Promise<number[]> {
  const times: number[] = [];
  let seen = 0;
  const record = (): void => {
    if (pool.calls.length > seen && times.at(-1) !== scheduler.now()) times.push(scheduler.now());
    seen = pool.calls.length;
  };
  await advance(0);
  record();
  while (scheduler.actions.length > 0 && scheduler.actions[0].delay <= untilMs) {
    await advanceTo(scheduler, scheduler.actions[0].delay);
    record();
  }
  await advanceTo(scheduler, untilMs);
  record();
  return times;
}

describe('waitForTopic', () => {
  test('fetches the topic once via bootstrap and then serves it from the cache', async () => {
    pool.topics.set('orders', sixPartitions());
    makeCluster();
    const updates = jest.fn();
    cluster.updates$.subscribe(updates);
    const info = await cluster.waitForTopic('orders', 5000);
    expect(info.partitions.map((p) => [p.partition, p.leader])).toEqual([
      [0, 1], [1, 2], [2, 3], [3, 1], [4, 2], [5, 3],
    ]);
    expect(pool.calls).toEqual([{ nodeId: -1, topics: ['orders'], allowAutoTopicCreation: false }]);
    expect(pool.closedNodes).toEqual([-1]); // the bootstrap connection is not kept
    expect([...cluster.brokers.keys()]).toEqual([1, 2, 3]);
    expect(cluster.leaderFor('orders', 4)).toMatchObject({ nodeId: 2, host: 'b2' });
    expect(cluster.leaderFor('orders', 6)).toBeUndefined();
    expect(cluster.metadataVersion).toBe(12);
    expect(updates).toHaveBeenCalledTimes(1);

    await expect(cluster.waitForTopic('orders', 5000)).resolves.toBe(info);
    expect(pool.calls).toHaveLength(1);
  });

  test('a topic without a leader yet is fetched again with backoff until it has partitions', async () => {
    pool.topics.set('new', { errorCode: 5, partitions: [] });
    makeCluster();
    const waiting = cluster.waitForTopic('new', 10000);
    await advance(0);
    expect(pool.calls).toHaveLength(1);
    await advanceTo(scheduler, 99);
    expect(pool.calls).toHaveLength(1);
    await advanceTo(scheduler, 100); // first retry after retryBackoffMs
    expect(pool.calls).toHaveLength(2);
    pool.topics.set('new', { partitions: [{ leader: 2 }] });
    await advanceTo(scheduler, 299);
    expect(pool.calls).toHaveLength(2);
    await advanceTo(scheduler, 300); // second retry after twice that
    expect(pool.calls).toHaveLength(3);
    await expect(waiting).resolves.toMatchObject({ name: 'new', partitions: [{ partition: 0, leader: 2 }] });
    // Complete now: no more requests until the metadata gets old.
    await advance(60000);
    expect(pool.calls).toHaveLength(3);
  });

  test('an unknown topic with auto-creation off times out with a message saying what to do, then is no longer polled', async () => {
    makeCluster();
    const err = failure(cluster.waitForTopic('typo', 3000));
    const times = await requestTimesUntil(3000);
    const error = await err;
    expect(error).toBeInstanceOf(KafkaProtocolError);
    expect((error as KafkaProtocolError).code).toBe(3);
    expect((error as KafkaProtocolError).retriable).toBe(false);
    expect(error.message).toMatch(
      /no metadata for topic 'typo' after 3000 ms: topic 'typo' does not exist and auto-creation is off; create the topic, or set allowAutoTopicCreation: true/,
    );
    // Backoff grew: 100, 200, 400, 800, then 1000 ms (retryBackoffMaxMs), so only a handful of requests in 3 s.
    expect(times).toEqual([0, 100, 300, 700, 1500, 2500]);
    expect(pool.calls).toHaveLength(6);
    const count = pool.calls.length;
    await advance(600000);
    expect(pool.calls).toHaveLength(count);
  });

  test('with auto-creation on, the timeout says the brokers refused to create the topic', async () => {
    makeCluster({ allowAutoTopicCreation: true });
    const err = failure(cluster.waitForTopic('nope', 1000));
    await advance(1000);
    expect((await err).message).toMatch(/does not exist and the brokers did not create it \(auto-creation was refused/);
    expect(pool.calls[0].allowAutoTopicCreation).toBe(true);
  });

  test('TOPIC_AUTHORIZATION_FAILED fails at once, not after the wait', async () => {
    pool.topics.set('secret', { errorCode: 29, partitions: [] });
    makeCluster();
    const err = failure(cluster.waitForTopic('secret', 60000));
    await advance(0);
    const error = await err;
    expect(error).toBeInstanceOf(KafkaProtocolError);
    expect(error.message).toMatch(/TOPIC_AUTHORIZATION_FAILED.*topic 'secret': grant this client/);
    expect((error as RxKafkaError).retriable).toBe(false);
  });

  test('refused credentials fail the waiters at once with the AuthenticationError itself, as Java fails sends', async () => {
    const refused = new SaslAuthenticationError('boot1:9092', 'PLAIN', 'Invalid username or password');
    pool.refusing.set('boot1:9092', refused);
    pool.unreachable.add('boot2:9092');
    makeCluster();
    const waits = [failure(cluster.waitForTopic('t', 60000)), failure(cluster.waitForTopic('u', 60000))];
    await advance(0);
    for (const err of await Promise.all(waits)) expect(err).toBe(refused);
  });

  test('one refusing bootstrap address does not matter when another answers', async () => {
    pool.topics.set('t', sixPartitions());
    pool.refusing.set('boot1:9092', new SaslAuthenticationError('boot1:9092', 'PLAIN', 'no'));
    makeCluster();
    await expect(cluster.waitForTopic('t', 60000)).resolves.toMatchObject({ name: 't' });
  });

  test('unreachable brokers: the timeout error carries the connection failures', async () => {
    pool.unreachable.add('boot1:9092').add('boot2:9092');
    makeCluster();
    const err = failure(cluster.waitForTopic('t', 2000));
    await advance(2000);
    const error = await err;
    expect(error.message).toMatch(/no metadata for topic 't' after 2000 ms: .*boot1:9092: connect ECONNREFUSED.*boot2:9092/);
    expect((error as RxKafkaError).cause).toBeInstanceOf(ConnectionError);
  });
});

describe('refresh', () => {
  test('when every bootstrap address fails, the error lists each one and says to check brokers', async () => {
    pool.unreachable.add('boot1:9092').add('boot2:9092');
    makeCluster();
    const error = await failure(cluster.refresh());
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retriable).toBe(true);
    expect(error.message).toBe(
      'connection to boot1:9092,boot2:9092: no broker answered a Metadata request (tried ' +
        'boot1:9092: connect ECONNREFUSED boot1:9092; boot2:9092: connect ECONNREFUSED boot2:9092); ' +
        "check that 'brokers' lists reachable Kafka listeners (host:port) and that the brokers are up",
    );
  });

  test('falls through to the next bootstrap address', async () => {
    pool.unreachable.add('boot1:9092');
    makeCluster();
    await cluster.refresh();
    expect(pool.calls.map((c) => c.nodeId)).toEqual([-2]);
  });

  test('uses the least-loaded connected broker once brokers are known', async () => {
    pool.topics.set('t', sixPartitions());
    makeCluster();
    await cluster.waitForTopic('t', 1000);
    for (const id of [1, 2, 3]) await pool.get({ nodeId: id, host: `b${id}`, port: 9092 });
    pool.connections.get(1)!.inFlightCount = 4;
    pool.connections.get(2)!.inFlightCount = 0;
    pool.connections.get(3)!.inFlightCount = 2;
    await cluster.refresh();
    expect(pool.calls.at(-1)).toEqual({ nodeId: 2, topics: ['t'], allowAutoTopicCreation: false });
  });

  test('a leader change is visible after the refresh; an older leader epoch is ignored', async () => {
    pool.topics.set('t', { partitions: [{ leader: 1, epoch: 5 }, { leader: 2, epoch: 5 }] });
    makeCluster();
    await cluster.waitForTopic('t', 1000);
    pool.topics.set('t', { partitions: [{ leader: 3, epoch: 6 }, { leader: 1, epoch: 4 }] });
    await cluster.refresh();
    expect(cluster.leaderFor('t', 0)?.nodeId).toBe(3);
    expect(cluster.leaderFor('t', 1)?.nodeId).toBe(2); // epoch 4 < 5: a staler broker's view
  });

  test('a partition without a leader schedules refreshes until it has one', async () => {
    pool.topics.set('t', { partitions: [{ leader: 1 }, { leader: -1 }] });
    makeCluster();
    await cluster.waitForTopic('t', 1000);
    expect(cluster.leaderFor('t', 1)).toBeUndefined();
    pool.topics.set('t', { partitions: [{ leader: 1 }, { leader: 3 }] });
    await advanceTo(scheduler, 99);
    expect(pool.calls).toHaveLength(1);
    await advanceTo(scheduler, 100);
    expect(pool.calls).toHaveLength(2);
    expect(cluster.leaderFor('t', 1)?.nodeId).toBe(3);
  });

  test('metadata is refreshed every metadataMaxAgeMs while a topic is tracked', async () => {
    pool.topics.set('t', sixPartitions());
    makeCluster({ metadataMaxAgeMs: 10000 });
    await cluster.waitForTopic('t', 1000);
    await advanceTo(scheduler, 9999);
    expect(pool.calls).toHaveLength(1);
    await advanceTo(scheduler, 10000);
    expect(pool.calls).toHaveLength(2);
    await advanceTo(scheduler, 19999);
    expect(pool.calls).toHaveLength(2);
    await advanceTo(scheduler, 20000);
    expect(pool.calls).toHaveLength(3);
  });

  test('refresh() during a refresh returns the one in flight and asks for another', async () => {
    makeCluster();
    const a = cluster.refresh();
    const b = cluster.refresh();
    expect(b).toBe(a);
    await a;
    expect(pool.calls).toHaveLength(1);
    await advanceTo(scheduler, 99);
    expect(pool.calls).toHaveLength(1);
    await advanceTo(scheduler, 100);
    expect(pool.calls).toHaveLength(2);
  });
});

describe('requestUpdate', () => {
  test('many calls coalesce into one request, spaced from the last one by the retry backoff', async () => {
    pool.topics.set('t', sixPartitions());
    makeCluster();
    await cluster.waitForTopic('t', 1000);
    expect(pool.calls).toHaveLength(1);
    for (let i = 0; i < 10; i++) cluster.requestUpdate();
    await advanceTo(scheduler, 99);
    expect(pool.calls).toHaveLength(1); // rate-limited: not before retryBackoffMs after the last one
    await advanceTo(scheduler, 100);
    expect(pool.calls).toHaveLength(2);
    await advance(5000);
    expect(pool.calls).toHaveLength(2);
  });

  test('failed refreshes back off exponentially up to retryBackoffMaxMs', async () => {
    pool.failMetadata = new ConnectionError('b1:9092', 'reset');
    makeCluster();
    cluster.requestUpdate();
    const times = await requestTimesUntil(6000);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(gaps).toEqual([100, 200, 400, 800, 1000, 1000, 1000, 1000]);
    // Each failed request tries both bootstrap addresses.
    expect(pool.calls).toHaveLength(2 * times.length);
  });
});

describe('connections and close', () => {
  test('connection(nodeId) uses the node address from metadata; an unknown node asks for a refresh', async () => {
    pool.topics.set('t', sixPartitions());
    makeCluster();
    await cluster.waitForTopic('t', 1000);
    const conn = await cluster.connection(2);
    expect(conn).toBe(pool.connections.get(2));
    expect(cluster.connectedConnection(2)).toBe(conn);
    const err = await failure(cluster.connection(9));
    expect(err.message).toMatch(/broker node 9 is not in the cluster metadata/);
    expect((err as RxKafkaError).retriable).toBe(true);
  });

  test('leastLoadedConnection() bootstraps first when nothing is known', async () => {
    makeCluster();
    const conn = await cluster.leastLoadedConnection();
    expect(pool.calls.map((c) => c.nodeId)).toEqual([-1]);
    expect([1, 2, 3]).toContain((conn as unknown as { nodeId: number }).nodeId);
  });

  test('describe() reports brokers, topics and the answering broker API versions', async () => {
    pool.topics.set('a', sixPartitions());
    makeCluster();
    const d = await cluster.describe(null);
    expect(d.clusterId).toBe('fake-cluster');
    expect(d.topics.map((t) => t.name)).toEqual(['a']);
    expect(d.apiVersions).toEqual([{ apiKey: 3, minVersion: 0, maxVersion: 12 }]);
    expect(pool.calls[0].topics).toBeNull();
  });

  test('close() rejects waiters, stops all timers and completes updates$', async () => {
    makeCluster();
    const complete = jest.fn();
    cluster.updates$.subscribe({ complete });
    const waiting = failure(cluster.waitForTopic('never', 60000));
    await advance(0);
    cluster.close();
    expect((await waiting).message).toMatch(/closed while waiting for topic 'never'/);
    expect(complete).toHaveBeenCalled();
    expect(scheduler.actions).toHaveLength(0);
    const count = pool.calls.length;
    await advance(100000);
    expect(pool.calls).toHaveLength(count);
  });
});

describe('in real time', () => {
  const refTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  test('the refresh timer does not keep the process alive; a wait for a topic does', async () => {
    pool.topics.set('t', sixPartitions());
    makeCluster({ time: realTime });
    const before = refTimers();
    await cluster.waitForTopic('t', 1000); // answered: the next refresh is armed for metadataMaxAgeMs
    expect(refTimers()).toBe(before);
    const waiting = failure(cluster.waitForTopic('other', 60000));
    expect(refTimers()).toBe(before + 1);
    cluster.close();
    await waiting;
    expect(refTimers()).toBe(before);
  });
});
