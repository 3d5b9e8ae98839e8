import { ErrorCode } from '../protocol/errorCodes';
import type { MetadataResponse, MetadataTopic } from '../protocol/Metadata';

/** A broker as metadata describes it. */
export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** One partition's leadership. */
export interface PartitionInfo {
  partition: number;
  /** The leader's node id; -1 when there is none (election in progress, replicas offline). */
  leader: number;
  /** -1 when the broker does not tell (Metadata < v7). */
  leaderEpoch: number;
  errorCode: number;
}

/** A topic as metadata describes it. */
export interface TopicInfo {
  name: string;
  /** NONE, or why the topic has no partitions here (UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, …). */
  errorCode: number;
  /** Index = partition number. Empty when `errorCode` is not NONE. */
  partitions: PartitionInfo[];
}

/**
 * The cluster as the last Metadata responses describe it (Java: `MetadataCache` + `Cluster`).
 * Pure: no I/O, no timers; `Cluster` feeds it and decides when to refresh.
 *
 * Brokers are replaced wholesale by each response (a response lists every live broker); topics
 * are replaced one by one (a response only covers the topics asked for), except that a
 * partition whose leader epoch went backwards keeps its newer entry — the response came from a
 * broker with staler metadata than an earlier one (KIP-320).
 */
export class MetadataCache {
  /** Current brokers by node id. Replaced (never mutated) on each update, so a reader's map is a consistent snapshot. */
  brokers: ReadonlyMap<number, BrokerNode> = new Map();
  clusterId: string | null = null;
  /** -1 when unknown. */
  controllerId = -1;
  /** Topics by name; an entry is replaced, never mutated, on update. */
  private readonly topics = new Map<string, TopicInfo>();

  topic(name: string): TopicInfo | undefined {
    return this.topics.get(name);
  }

  /** The partition leader's broker; undefined while there is no leader or it is not a known broker. */
  leaderFor(topic: string, partition: number): BrokerNode | undefined {
    const info = this.topics.get(topic);
    if (info === undefined) return undefined;
    const p = info.partitions[partition];
    if (p === undefined || p.leader < 0) return undefined;
    return this.brokers.get(p.leader);
  }

  /** Forgets a topic (it is no longer tracked). */
  remove(name: string): void {
    this.topics.delete(name);
  }

  /**
   * Applies a response. Returns the names of the response's topics whose metadata is incomplete
   * (a topic error, or a partition without a known leader): those need another refresh soon.
   */
  update(response: MetadataResponse): string[] {
    const brokers = new Map<number, BrokerNode>();
    for (let i = 0; i < response.brokers.length; i++) {
      const b = response.brokers[i];
      brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack });
    }
    this.brokers = brokers;
    this.clusterId = response.clusterId;
    this.controllerId = response.controllerId;

    const incomplete: string[] = [];
    for (let i = 0; i < response.topics.length; i++) {
      const t = response.topics[i];
      if (t.name === '') continue;
      const info = toTopicInfo(t, this.topics.get(t.name));
      this.topics.set(t.name, info);
      if (!isComplete(info, brokers)) incomplete.push(t.name);
    }
    return incomplete;
  }
}

/** Converts a response topic; `previous` supplies partitions whose epoch in `t` went backwards. */
export function toTopicInfo(t: MetadataTopic, previous?: TopicInfo): TopicInfo {
  if (t.errorCode !== ErrorCode.NONE) return { name: t.name, errorCode: t.errorCode, partitions: [] };
  let count = 0;
  for (let i = 0; i < t.partitions.length; i++) count = Math.max(count, t.partitions[i].partitionIndex + 1);
  const partitions: PartitionInfo[] = new Array(count);
  for (let i = 0; i < t.partitions.length; i++) {
    const p = t.partitions[i];
    const old = previous?.partitions[p.partitionIndex];
    partitions[p.partitionIndex] =
      old !== undefined && old.leaderEpoch >= 0 && p.leaderEpoch >= 0 && p.leaderEpoch < old.leaderEpoch
        ? old
        : { partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch, errorCode: p.errorCode };
  }
  // A partition missing from the response (never seen in practice) is leaderless, not a hole.
  for (let i = 0; i < count; i++) {
    if (partitions[i] === undefined) {
      partitions[i] = { partition: i, leader: -1, leaderEpoch: -1, errorCode: ErrorCode.LEADER_NOT_AVAILABLE };
    }
  }
  return { name: t.name, errorCode: ErrorCode.NONE, partitions };
}

function isComplete(info: TopicInfo, brokers: ReadonlyMap<number, BrokerNode>): boolean {
  if (info.errorCode !== ErrorCode.NONE || info.partitions.length === 0) return false;
  for (let i = 0; i < info.partitions.length; i++) {
    const leader = info.partitions[i].leader;
    if (leader < 0 || !brokers.has(leader)) return false;
  }
  return true;
}
