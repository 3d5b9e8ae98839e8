import type { TopicInfo } from '../../src/cluster/Cluster';
import { AuthenticationError, MetadataTimeoutError } from '../../src/errors';
import { BuiltInPartitioner } from '../../src/partitioners/BuiltInPartitioner';
import { PartitionStage, type PartitionStageHost } from '../../src/pipeline/PartitionStage';
import { PipelineBacklog } from '../../src/pipeline/PipelineBacklog';
import type { SerializedRecord } from '../../src/types';
import { MURMUR2_VECTORS } from '../support/vectors';

/**
 * The partition stage: records of known topics go on at once with a partition; records of a topic
 * without metadata wait in arrival order (those behind them too), counted in the backlog, until
 * the metadata comes or the wait fails them.
 */
function setup() {
  const topics = new Map<string, TopicInfo>();
  const waits = new Map<string, { resolve: () => void; reject: (e: unknown) => void }>();
  const info = (name: string, partitions: number): TopicInfo =>
    ({
      name,
      errorCode: 0,
      isInternal: false,
      partitions: Array.from({ length: partitions }, (_, p) => ({ partition: p, leader: 1, leaderEpoch: 0, errorCode: 0, replicas: [1], isr: [1] })),
    }) as unknown as TopicInfo;
  const backlog = new PipelineBacklog(() => {});
  const sticky = new BuiltInPartitioner();
  const host = {
    cluster: {
      topic: (name: string) => topics.get(name),
      waitForTopic: (name: string) => new Promise<void>((resolve, reject) => waits.set(name, { resolve, reject })),
    },
    config: { maxBlockMs: 60_000, batchSize: 16384, partitioner: undefined },
    backlog,
    stickyPartitioner: () => sticky,
  } as unknown as PartitionStageHost;
  const out: SerializedRecord[] = [];
  let drained = 0;
  const stage = new PartitionStage(host, (r) => out.push(r), () => drained++);
  const arrive = async (name: string, partitions: number) => {
    topics.set(name, info(name, partitions));
    waits.get(name)!.resolve();
    waits.delete(name);
    await new Promise((r) => setImmediate(r));
  };
  const fail = async (name: string, err: unknown) => {
    waits.get(name)!.reject(err);
    waits.delete(name);
    await new Promise((r) => setImmediate(r));
  };
  return { topics, waits, info, backlog, stage, out, drained: () => drained, arrive, fail };
}

const record = (topic: string, key: string | null, meta: string, partition = -1): SerializedRecord =>
  ({ topic, partition, key: key === null ? null : Buffer.from(key), value: Buffer.from('v'), headers: null, timestamp: 0, meta, error: null }) as SerializedRecord;

describe('PartitionStage', () => {
  it('a record of a known topic goes on at once, with the partition murmur2 gives its key', () => {
    const s = setup();
    s.topics.set('t', s.info('t', 12));
    // Kafka's published murmur2 vector for the key, and Java's rule: toPositive(hash) % partitions.
    const [key, hash] = MURMUR2_VECTORS[1];
    s.stage.push(record('t', key, 'a'));
    s.stage.push(record('t', null, 'b', 7));
    expect(s.out.map((r) => [r.meta, r.partition])).toEqual([
      ['a', (hash & 0x7fffffff) % 12],
      ['b', 7],
    ]);
    expect(s.backlog.count).toBe(0);
  });

  it('records wait in order behind an unknown topic, even those of known topics, and go when it arrives', async () => {
    const s = setup();
    s.topics.set('known', s.info('known', 3));
    s.stage.push(record('new', null, 'a', 0));
    s.stage.push(record('known', null, 'b', 1));
    s.stage.push(record('new', null, 'c', 2));
    expect(s.out).toEqual([]);
    expect(s.stage.waitingCount).toBe(3);
    expect(s.backlog.count).toBe(3);
    expect([...s.waits.keys()]).toEqual(['new']);
    await s.arrive('new', 3);
    expect(s.out.map((r) => r.meta)).toEqual(['a', 'b', 'c']);
    expect(s.backlog.count).toBe(0);
    expect(s.drained()).toBe(1);
  });

  it('after one topic arrives, waits for the next unknown topic at the head, holding the rest', async () => {
    const s = setup();
    s.stage.push(record('one', null, 'a', 0));
    s.stage.push(record('two', null, 'b', 0));
    s.stage.push(record('one', null, 'c', 0));
    await s.arrive('one', 1);
    expect(s.out.map((r) => r.meta)).toEqual(['a']);
    expect([...s.waits.keys()]).toEqual(['two']);
    expect(s.backlog.count).toBe(2);
    await s.arrive('two', 1);
    expect(s.out.map((r) => r.meta)).toEqual(['a', 'b', 'c']);
    expect(s.drained()).toBe(1);
  });

  it('a topic that gets no metadata fails its records with MetadataTimeoutError; others behind go on', async () => {
    const s = setup();
    s.topics.set('ok', s.info('ok', 1));
    s.stage.push(record('missing', null, 'a'));
    s.stage.push(record('ok', null, 'b'));
    s.stage.push(record('missing', null, 'c'));
    await s.fail('missing', new Error('no leader'));
    expect(s.out.map((r) => [r.meta, r.error?.constructor.name ?? null])).toEqual([
      ['a', 'MetadataTimeoutError'],
      ['b', null],
      ['c', 'MetadataTimeoutError'],
    ]);
    expect(s.out[0].error).toBeInstanceOf(MetadataTimeoutError);
    expect(s.backlog.count).toBe(0);
  });

  it('an authentication failure reaches the records as it is, not as a timeout', async () => {
    const s = setup();
    s.stage.push(record('t', null, 'a'));
    const auth = new AuthenticationError('127.0.0.1:9092', 'SASL PLAIN refused: bad password');
    await s.fail('t', auth);
    expect(s.out[0].error).toBe(auth);
  });

  it('dispose forgets the waiting records (they leave the backlog) and emits nothing later', async () => {
    const s = setup();
    s.stage.push(record('t', null, 'a'));
    s.stage.push(record('t', null, 'b'));
    s.stage.dispose();
    expect(s.backlog.count).toBe(0);
    await s.arrive('t', 1);
    expect(s.out).toEqual([]);
  });

  it('a record that already failed (e.g. its serializer threw) goes on at once, without a partition', () => {
    const s = setup();
    const failed = { ...record('t', null, 'a'), error: new Error('serializer threw') };
    s.stage.push(failed);
    expect(s.out).toEqual([failed]);
    expect(s.out[0].partition).toBe(-1);
  });
});
