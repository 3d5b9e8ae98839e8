/**
 * The connection-level fake cluster, for every test above the network layer: no sockets, no bytes
 * on a wire, virtual time throughout. Two stand-ins, because tests cut the producer at two heights:
 *
 * - `FakeCluster` stands in for `Cluster` (metadata + connections) under the Sender, the
 *   idempotence and transactions code, and a whole Producer (`onProducer`, `onEveryCluster`).
 *   Each node's `FakeConnection` keeps the requests written to it; the test answers them one by
 *   one, or lets the fake broker answer Produce by itself after a delay (`answerProduce`).
 * - `FakeMetadataPool` (fakeMetadataPool.ts) stands in for `ConnectionPool` under a real `Cluster`,
 *   to test Cluster itself: its connections answer Metadata at once from the same `FakeTopology`.
 *
 * Both describe the cluster the same way (`FakeTopology`: brokers, topics, partition leaders) and
 * hand out the same `FakeConnection`. The socket-level fake (fakeBroker.ts) is a different thing:
 * a TCP server for the network layer's own tests.
 */
import { VirtualTimeScheduler, type SchedulerLike } from 'rxjs';
import { Cluster, type BrokerNode, type TopicInfo } from '../../src/cluster/Cluster';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../../src/protocol/InitProducerId';
import type { MetadataRequest, MetadataResponse } from '../../src/protocol/Metadata';
import type { ProduceRequest, ProduceResponse } from '../../src/protocol/Produce';
import { decodeRecordBatches } from '../../src/protocol/RecordBatchDecoder';
import type { ProducerConfig } from '../../src/config/config';
import { Producer } from '../../src/producer/Producer';
import { produceResponse, withErrors } from './produceResponses';

/** One partition as the fake cluster describes it; a leader below 0: none (LEADER_NOT_AVAILABLE). */
export interface FakePartition {
  leader: number;
  epoch?: number;
  errorCode?: number;
}

/** One topic; with an `errorCode`, it has no partitions in metadata. */
export interface FakeTopic {
  errorCode?: number;
  partitions: FakePartition[];
}

/** `count` partitions, all led by `leader`. */
export function ledBy(leader: number, count: number): FakeTopic {
  return { partitions: Array.from({ length: count }, () => ({ leader })) };
}

/** Brokers and topics: what a Metadata answer says and what the Cluster stand-in reports. */
export class FakeTopology {
  /** Brokers the fake cluster reports. */
  brokers: BrokerNode[] = [1, 2, 3].map((nodeId) => ({ nodeId, host: `b${nodeId}`, port: 9092, rack: null }));
  /** Topics the fake cluster knows; others are UNKNOWN_TOPIC_OR_PARTITION. */
  readonly topics = new Map<string, FakeTopic>();

  /** A topic as metadata describes it; undefined when unknown. */
  topicInfo(name: string): TopicInfo | undefined {
    const t = this.topics.get(name);
    if (t === undefined) return undefined;
    const errorCode = t.errorCode ?? 0;
    return {
      name,
      errorCode,
      partitions: errorCode !== 0 ? [] : t.partitions.map((p, i) => ({
        partition: i,
        leader: p.leader,
        leaderEpoch: p.epoch ?? 0,
        errorCode: p.errorCode ?? (p.leader < 0 ? 5 : 0),
      })),
    };
  }

  /** The Metadata answer for `req` (null topics: every topic). */
  metadataResponse(req: MetadataRequest): MetadataResponse {
    const names = req.topics ?? [...this.topics.keys()];
    return {
      throttleTimeMs: 0,
      brokers: this.brokers,
      clusterId: 'fake-cluster',
      controllerId: 1,
      topics: names.map((name) => {
        const info = this.topicInfo(name);
        if (info === undefined) return { errorCode: 3, name, isInternal: false, partitions: [] };
        return {
          errorCode: info.errorCode,
          name,
          isInternal: false,
          partitions: info.partitions.map((p) => ({
            errorCode: p.errorCode,
            partitionIndex: p.partition,
            leaderId: p.leader,
            leaderEpoch: p.leaderEpoch,
            replicaNodes: [1, 2, 3],
            isrNodes: [1, 2, 3],
            offlineReplicas: [],
          })),
        };
      }),
    };
  }
}

/** A request written to a fake connection; the test (or the fake broker) settles it. */
export interface Call<Req, Res> {
  req: Req;
  /** Virtual time at which the request was written. */
  atMs: number;
  resolve: (r: Res) => void;
  reject: (e: Error) => void;
}

/** Answers a request by itself (a Promise of the response), or leaves it to the test (undefined). */
export type Responder = (api: string, req: unknown) => Promise<unknown> | undefined;

/** A broker connection: every request is kept, by API, until the test (or `responder`) answers it. */
export class FakeConnection {
  /** Produce requests, in write order. */
  readonly requests: Array<Call<ProduceRequest, ProduceResponse>> = [];
  /** InitProducerId requests, in write order. */
  readonly initRequests: Array<Call<InitProducerIdRequest, InitProducerIdResponse>> = [];
  /** Requests of any other API, in write order. */
  readonly others: Array<Call<unknown, unknown> & { api: string }> = [];
  isConnected = true;
  /** Requests in flight, as the pool's least-loaded choice reads it. */
  inFlightCount = 0;
  readonly apiVersions = new Map([[3, { minVersion: 0, maxVersion: 12 }]]);
  /** The InitProducerId version negotiated (v3+ can bump an epoch). */
  initVersion = 4;
  /** The Produce version negotiated. */
  produceVersion = 9;

  constructor(
    readonly nodeId: number,
    private readonly scheduler: SchedulerLike | null,
    /** Requests it answers by itself; the rest wait for the test. */
    public responder: Responder | null = null,
  ) {}

  send(api: { name: string }, req: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const call = { req, atMs: this.scheduler === null ? Date.now() : this.scheduler.now(), resolve, reject };
      if (api.name === 'Produce') this.requests.push(call as never);
      else if (api.name === 'InitProducerId') this.initRequests.push(call as never);
      else this.others.push({ ...call, api: api.name });
      this.responder?.(api.name, req)?.then(resolve, reject);
    });
  }

  versionFor(api: { name: string; maxVersion?: number }): number {
    if (api.name === 'InitProducerId') return this.initVersion;
    if (api.name === 'Produce') return this.produceVersion;
    return Math.min(api.maxVersion ?? 12, 12);
  }
}

/** How the fake broker answers Produce by itself: after `delayMs`, with `errorCodes[partition]` (else NONE). */
export interface ProduceAnswers {
  delayMs: number;
  errorCodes?: Record<number, number>;
}

/**
 * A Cluster stand-in. Every partition is led by node 1 unless the topology says otherwise; a topic
 * not in the topology is unknown (`waitForTopic` waits for `addTopic`, up to its maxWaitMs) unless
 * `everyTopic` says how many partitions any topic has. Counts the metadata updates asked for.
 */
export class FakeCluster {
  readonly topology = new FakeTopology();
  /** Connections by node id, made on first use. */
  readonly conns = new Map<number, FakeConnection>();
  /** Metadata updates requested (requestUpdate calls). */
  updates = 0;
  /** When set, connecting fails with this error (and nothing is connected). */
  connectError: Error | null = null;
  /** When set, any topic not in the topology exists with this many partitions, led by node 1. */
  everyTopic: number | null = null;
  /** Next offset per `topic:partition`, for Produce answered by the fake broker. */
  private readonly logEndOffsets = new Map<string, bigint>();
  /** Per API name, how the fake broker answers that API's requests by itself. */
  private readonly autoAnswers = new Map<string, { delayMs: number; respond: (req: unknown) => unknown }>();
  /** Answers by itself the requests listed in autoAnswers; set on every connection. */
  private readonly responder: Responder = (api, req) => {
    const auto = this.autoAnswers.get(api);
    if (auto === undefined) return undefined;
    return new Promise((resolve) => this.scheduler.schedule(() => resolve(auto.respond(req)), auto.delayMs));
  };
  /** waitForTopic callers by topic, until it is added. */
  private readonly waiters = new Map<string, Array<(info: TopicInfo) => void>>();

  constructor(private readonly scheduler: SchedulerLike) {}

  /** Node 1's connection (where InitProducerId goes too). */
  get conn(): FakeConnection {
    return this.node(1);
  }

  node(id: number): FakeConnection {
    let c = this.conns.get(id);
    if (c === undefined) this.conns.set(id, (c = new FakeConnection(id, this.scheduler, this.responder)));
    return c;
  }

  /** Moves a partition's leader (-1: none), as a metadata update would. */
  setLeader(topic: string, partition: number, leader: number): void {
    const t = this.topology.topics.get(topic) ?? { partitions: [] };
    while (t.partitions.length <= partition) t.partitions.push({ leader: 1 });
    t.partitions[partition] = { leader };
    this.topology.topics.set(topic, t);
  }

  /** Metadata arrives for `topic`: callers of waitForTopic for it go on. */
  addTopic(name: string, topic: FakeTopic): void {
    this.topology.topics.set(name, topic);
    const info = this.topic(name)!;
    for (const resolve of this.waiters.get(name) ?? []) resolve(info);
    this.waiters.delete(name);
  }

  /** From now on the broker answers each Produce request by itself, `delayMs` of virtual time after it was written. */
  answerProduce(answers: ProduceAnswers): void {
    this.answer('Produce', answers.delayMs, (req) => produceResponse(req as ProduceRequest, (topic, p) => this.append(topic, p, answers)));
  }

  /** From now on the broker answers each request of `api` (its name) by itself, `delayMs` after it was written. */
  answer(api: string, delayMs: number, respond: (req: unknown) => unknown): void {
    this.autoAnswers.set(api, { delayMs, respond });
  }

  // The Cluster methods the producer calls.

  topic(name: string): TopicInfo | undefined {
    const info = this.topology.topicInfo(name);
    if (info !== undefined || this.everyTopic === null) return info;
    return { name, errorCode: 0, partitions: Array.from({ length: this.everyTopic }, (_, partition) => ({ partition, leader: 1, leaderEpoch: 0, errorCode: 0 })) };
  }

  waitForTopic(name: string, maxWaitMs: number): Promise<TopicInfo> {
    const known = this.topic(name);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timeout = this.scheduler.schedule(() => {
        this.waiters.set(name, (this.waiters.get(name) ?? []).filter((w) => w !== done));
        reject(new Error(`no metadata for ${name} within ${maxWaitMs} ms`));
      }, maxWaitMs);
      const done = (info: TopicInfo): void => {
        timeout.unsubscribe();
        resolve(info);
      };
      this.waiters.set(name, [...(this.waiters.get(name) ?? []), done]);
    });
  }

  leaderFor(topic: string, partition: number): BrokerNode | undefined {
    const id = this.topology.topics.get(topic)?.partitions[partition]?.leader ?? 1;
    return id < 0 ? undefined : { nodeId: id, host: 'h', port: id, rack: null };
  }

  connectedConnection(nodeId: number): FakeConnection | undefined {
    return this.connectError === null ? this.node(nodeId) : undefined;
  }

  connection(nodeId: number): Promise<FakeConnection> {
    return this.connectError === null ? Promise.resolve(this.node(nodeId)) : Promise.reject(this.connectError);
  }

  connectionTo(node: { nodeId: number }): Promise<FakeConnection> {
    return this.connection(node.nodeId);
  }

  leastLoadedConnection(): Promise<FakeConnection> {
    return Promise.resolve(this.conn);
  }

  requestUpdate(): void {
    this.updates++;
  }

  /** As a Cluster (cast), for constructors that take one. */
  get asCluster(): Cluster {
    return this as unknown as Cluster;
  }

  /** The fake broker appends a partition's records: their base offset, or an error code. */
  private append(topic: string, p: { index: number; records: Buffer }, answers: ProduceAnswers): { errorCode: number; baseOffset: bigint } {
    const errorCode = answers.errorCodes?.[p.index] ?? 0;
    if (errorCode !== 0) return { errorCode, baseOffset: -1n };
    const key = `${topic}:${p.index}`;
    const baseOffset = this.logEndOffsets.get(key) ?? 0n;
    let count = 0;
    for (const batch of decodeRecordBatches(p.records)) count += batch.records.length;
    this.logEndOffsets.set(key, baseOffset + BigInt(count));
    return { errorCode: 0, baseOffset };
  }
}

/** The Cluster methods the producer's components call, which the fake answers instead. */
const CLUSTER_METHODS = ['topic', 'waitForTopic', 'leaderFor', 'connectedConnection', 'connection', 'connectionTo', 'leastLoadedConnection', 'requestUpdate'] as const;

/** The producer's own cluster, replaced by `fake` (its methods, on that one object). */
export function onProducer(producer: { cluster: Cluster }, fake: FakeCluster): void {
  for (const m of CLUSTER_METHODS) Object.assign(producer.cluster, { [m]: (fake[m] as (...a: unknown[]) => unknown).bind(fake) });
}

/**
 * Every Cluster made from now on answers as `fake`: for producers a test cannot reach before they
 * start (toKafka builds its own per subscription). Undone by jest.restoreAllMocks().
 */
export function onEveryCluster(fake: FakeCluster): void {
  for (const m of CLUSTER_METHODS) jest.spyOn(Cluster.prototype, m).mockImplementation((fake[m] as (...a: unknown[]) => unknown).bind(fake) as never);
}

/**
 * A whole Producer (serialize → partition → accumulate → send, hooks and metrics) on a virtual
 * clock, its cluster a FakeCluster in which every topic has `partitions` partitions led by node 1.
 * `broker` is node 1's connection: the test answers its Produce requests, one by one, at the
 * virtual time it chooses (or calls `cluster.answerProduce`).
 */
export function fakeClusterProducer(config: Partial<ProducerConfig>, partitions = 2, scheduler: VirtualTimeScheduler = new VirtualTimeScheduler()) {
  const producer = new Producer({ brokers: 'fake:9092', topic: 't', idempotence: false, acks: 1, ...config } as ProducerConfig, scheduler);
  const cluster = new FakeCluster(scheduler);
  cluster.everyTopic = partitions;
  onProducer(producer, cluster);
  return { scheduler, producer, cluster, broker: cluster.conn };
}

/** Answers a Produce request: every partition at `baseOffset`, or with `errorCodes[partition]`. */
export function answer(call: Call<ProduceRequest, ProduceResponse>, baseOffset = 0n, errorCodes: Record<number, number> = {}): void {
  call.resolve(withErrors(call.req, errorCodes, baseOffset));
}
