// Issue 3, scenario 6: every broker unreachable when the producer starts — 100k keyed records,
// strict broker. Either they come up within maxBlockMs and the stream succeeds, or they stay down
// and every record fails with a timeout that names it, within maxBlockMs of its arrival.
import * as net from 'node:net';
import { MetadataTimeoutError, RecordError } from '../../operators';
import { assertAllDelivered, assertConsistent, BROKERS, clusterPerTest, newTopic, run, verify } from '../support/faultRun';
import type { MockCluster } from '../support/MockCluster';

const mock = clusterPerTest();

/** Every broker down, and proven to refuse connections (what the producer meets at start). */
async function allDown(cluster: MockCluster): Promise<void> {
  for (let id = 1; id <= BROKERS; id++) await cluster.brokerDown(id);
  for (const address of cluster.brokers) expect(await connectError(address)).toBe('ECONNREFUSED');
}

async function allUp(cluster: MockCluster): Promise<void> {
  for (let id = 1; id <= BROKERS; id++) await cluster.brokerUp(id);
}

function connectError(address: string): Promise<string> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

it('all brokers down at start, up after 3 s: the records wait for metadata, then every one is delivered once, in order', async () => {
  const topic = await newTopic(mock());
  await allDown(mock());
  let upAtMs = Infinity;
  const o = await run(mock(), {
    topic,
    faultAtMs: 3000,
    fault: async () => {
      await allUp(mock());
      upAtMs = Date.now();
    },
  });
  assertAllDelivered(o);
  expect(o.ackTimes[0]).toBeGreaterThanOrEqual(upAtMs);
});

describe('all brokers down for good', () => {
  const maxBlockMs = 3000;
  const durationMs = 5000;
  // Records wait for the topic's metadata up to maxBlockMs (then a later record starts a new wait).
  const config = { maxBlockMs, deliveryTimeoutMs: 5000, requestTimeoutMs: 2000 };

  it('stopOnError false: every record fails with MetadataTimeoutError within maxBlockMs of its arrival, nothing written', async () => {
    const topic = await newTopic(mock());
    await allDown(mock());
    const o = await run(mock(), {
      topic,
      durationMs,
      config: { ...config, stopOnError: false },
      // Up again only to let kcat see that nothing was written.
      beforeRead: () => allUp(mock()),
    });
    expect(o.error).toBeNull();
    const r = verify(o);
    assertConsistent(r);
    expect(r.failed).toBe(o.n);
    expect(r.read).toBe(0);
    const late: string[] = [];
    o.acks.forEach((a, k) => {
      expect(a.error).toBeInstanceOf(MetadataTimeoutError);
      // Record i went in at about startedMs + i/n of the stream's duration.
      const arrivedMs = o.startedMs + (a.meta! / o.n) * durationMs;
      if (o.ackTimes[k] > arrivedMs + maxBlockMs + 1500) late.push(`v${a.meta} failed ${o.ackTimes[k] - arrivedMs} ms after it went in`);
    });
    expect(late.slice(0, 3)).toEqual([]);
    expect(o.acks[0].error!.message).toMatch(new RegExp(`${topic}|maxBlockMs`));
  });

  it('stopOnError true: the stream fails within maxBlockMs with a RecordError naming the first record and saying no other record without an ack was delivered', async () => {
    const topic = await newTopic(mock());
    await allDown(mock());
    const o = await run(mock(), { topic, durationMs, config, beforeRead: () => allUp(mock()) });
    expect(o.acks).toEqual([]);
    expect(o.error).toBeInstanceOf(RecordError);
    const err = o.error as RecordError<number>;
    expect(err.cause).toBeInstanceOf(MetadataTimeoutError);
    expect(err.record).toEqual(expect.objectContaining({ topic, meta: 0 }));
    expect(err.message).toContain(topic);
    expect(err.message).toMatch(/every record without an ack was not delivered/);
    expect(o.elapsedMs).toBeLessThan(maxBlockMs + 1500);
    assertConsistent(verify(o));
    expect(o.read).toEqual([]);
  });
});
