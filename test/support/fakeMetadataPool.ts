/**
 * A ConnectionPool stand-in under a real Cluster (see fakeCluster.ts for why this level is apart):
 * its connections answer Metadata at once from a scripted FakeTopology, so that Cluster's refresh
 * logic is tested in virtual time. It records which node each Metadata request went to.
 */
import { ConnectionError } from '../../src/errors';
import type { ConnectionPool, PoolNode } from '../../src/network/ConnectionPool';
import type { MetadataRequest } from '../../src/protocol/Metadata';
import { FakeConnection, FakeTopology, type FakeTopic } from './fakeCluster';

export type { FakePartition, FakeTopic } from './fakeCluster';

export interface MetadataCall {
  /** The pool node id the request went to (negative: a bootstrap address). */
  nodeId: number;
  topics: string[] | null;
  allowAutoTopicCreation: boolean;
}

export class FakeMetadataPool {
  readonly topology = new FakeTopology();
  /** `host:port` addresses that refuse connections. */
  unreachable = new Set<string>();
  /** `host:port` addresses whose connect fails with the given error (e.g. an AuthenticationError). */
  refusing = new Map<string, Error>();
  /** When set, every Metadata request fails with it. */
  failMetadata: Error | null = null;
  readonly calls: MetadataCall[] = [];
  readonly connections = new Map<number, FakeConnection>();
  readonly closedNodes: number[] = [];

  /** Topics the fake cluster knows; others are UNKNOWN_TOPIC_OR_PARTITION. */
  get topics(): Map<string, FakeTopic> {
    return this.topology.topics;
  }

  get asPool(): ConnectionPool {
    return this as unknown as ConnectionPool;
  }

  get(node: PoolNode): Promise<FakeConnection> {
    const address = `${node.host}:${node.port}`;
    if (this.unreachable.has(address)) {
      return Promise.reject(new ConnectionError(address, `connect ECONNREFUSED ${address}`));
    }
    const refusal = this.refusing.get(address);
    if (refusal !== undefined) return Promise.reject(refusal);
    let conn = this.connections.get(node.nodeId);
    if (conn === undefined) {
      conn = new FakeConnection(node.nodeId, null, (api, req) => (api === 'Metadata' ? this.answer(node.nodeId, req as MetadataRequest) : undefined));
      this.connections.set(node.nodeId, conn);
    }
    return Promise.resolve(conn);
  }

  connected(node: PoolNode): FakeConnection | undefined {
    return this.connections.get(node.nodeId);
  }

  isBlackedOut(): boolean {
    return false;
  }

  closeNode(nodeId: number): void {
    this.connections.delete(nodeId);
    this.closedNodes.push(nodeId);
  }

  private answer(nodeId: number, req: MetadataRequest): Promise<unknown> {
    this.calls.push({ nodeId, topics: req.topics, allowAutoTopicCreation: req.allowAutoTopicCreation });
    if (this.failMetadata !== null) return Promise.reject(this.failMetadata);
    return Promise.resolve(this.topology.metadataResponse(req));
  }
}
