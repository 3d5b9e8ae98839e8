import { ConnectionError } from '../../src/errors';
import type { Api } from '../../src/protocol/api';
import type { MetadataRequest, MetadataResponse } from '../../src/protocol/Metadata';
import type { ConnectionPool, PoolNode } from '../../src/network/ConnectionPool';

/**
 * A socket-free stand-in for ConnectionPool + Connection that answers Metadata from a scripted
 * cluster state, so that Cluster's refresh logic can be tested in virtual time.
 */

export interface FakePartition {
  leader: number;
  epoch?: number;
  errorCode?: number;
}

export interface FakeTopic {
  errorCode?: number;
  partitions: FakePartition[];
}

export interface MetadataCall {
  /** The pool node id the request went to (negative: a bootstrap address). */
  nodeId: number;
  topics: string[] | null;
  allowAutoTopicCreation: boolean;
}

export class FakeMetadataConnection {
  inFlightCount = 0;
  isConnected = true;
  readonly apiVersions = new Map([[3, { minVersion: 0, maxVersion: 12 }]]);

  constructor(
    readonly nodeId: number,
    private readonly pool: FakeMetadataPool,
  ) {}

  versionFor(api: Api<unknown, unknown>): number {
    return Math.min(api.maxVersion, 12);
  }

  send(_api: unknown, req: MetadataRequest): Promise<MetadataResponse> {
    this.pool.calls.push({ nodeId: this.nodeId, topics: req.topics, allowAutoTopicCreation: req.allowAutoTopicCreation });
    if (this.pool.failMetadata !== null) return Promise.reject(this.pool.failMetadata);
    return Promise.resolve(this.pool.answer(req));
  }
}

export class FakeMetadataPool {
  /** Brokers the fake cluster reports. */
  brokers = [
    { nodeId: 1, host: 'b1', port: 9092, rack: null },
    { nodeId: 2, host: 'b2', port: 9092, rack: null },
    { nodeId: 3, host: 'b3', port: 9092, rack: null },
  ];
  /** Topics the fake cluster knows; others are UNKNOWN_TOPIC_OR_PARTITION. */
  topics = new Map<string, FakeTopic>();
  /** `host:port` addresses that refuse connections. */
  unreachable = new Set<string>();
  /** `host:port` addresses whose connect fails with the given error (e.g. an AuthenticationError). */
  refusing = new Map<string, Error>();
  /** When set, every Metadata request fails with it. */
  failMetadata: Error | null = null;
  readonly calls: MetadataCall[] = [];
  readonly connections = new Map<number, FakeMetadataConnection>();
  readonly closedNodes: number[] = [];

  get asPool(): ConnectionPool {
    return this as unknown as ConnectionPool;
  }

  get(node: PoolNode): Promise<FakeMetadataConnection> {
    const address = `${node.host}:${node.port}`;
    if (this.unreachable.has(address)) {
      return Promise.reject(new ConnectionError(address, `connect ECONNREFUSED ${address}`));
    }
    const refusal = this.refusing.get(address);
    if (refusal !== undefined) return Promise.reject(refusal);
    let conn = this.connections.get(node.nodeId);
    if (conn === undefined) this.connections.set(node.nodeId, (conn = new FakeMetadataConnection(node.nodeId, this)));
    return Promise.resolve(conn);
  }

  connected(node: PoolNode): FakeMetadataConnection | undefined {
    return this.connections.get(node.nodeId);
  }

  isBlackedOut(): boolean {
    return false;
  }

  closeNode(nodeId: number): void {
    this.connections.delete(nodeId);
    this.closedNodes.push(nodeId);
  }

  answer(req: MetadataRequest): MetadataResponse {
    const names = req.topics ?? [...this.topics.keys()];
    return {
      throttleTimeMs: 0,
      brokers: this.brokers,
      clusterId: 'fake-cluster',
      controllerId: 1,
      topics: names.map((name) => {
        const t = this.topics.get(name);
        if (t === undefined) return { errorCode: 3, name, isInternal: false, partitions: [] };
        return {
          errorCode: t.errorCode ?? 0,
          name,
          isInternal: false,
          partitions: (t.errorCode ?? 0) !== 0 ? [] : t.partitions.map((p, i) => ({
            errorCode: p.errorCode ?? (p.leader < 0 ? 5 : 0),
            partitionIndex: i,
            leaderId: p.leader,
            leaderEpoch: p.epoch ?? 0,
            replicaNodes: [1, 2, 3],
            isrNodes: [1, 2, 3],
            offlineReplicas: [],
          })),
        };
      }),
    };
  }
}
