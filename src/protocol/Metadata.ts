/**
 * Metadata (api key 3), versions 1–12; flexible from v9 (compact strings/arrays, TAG_BUFFER
 * closing every struct, request header v2 / response header v1).
 *
 *   MetadataRequest => topics:[topic_id:UUID (v10+) name:STRING] (nullable: null = all topics)
 *                      allow_auto_topic_creation:BOOL (v4+)
 *                      include_cluster_authorized_operations:BOOL (v8–v10)
 *                      include_topic_authorized_operations:BOOL (v8+)
 *
 *   MetadataResponse => throttle_time_ms:INT32 (v3+)
 *                       brokers:[node_id:INT32 host:STRING port:INT32 rack:NULLABLE_STRING (v1+)]
 *                       cluster_id:NULLABLE_STRING (v2+)
 *                       controller_id:INT32 (v1+)
 *                       topics:[error_code:INT16 name:STRING (nullable v12+) topic_id:UUID (v10+)
 *                               is_internal:BOOL (v1+)
 *                               partitions:[error_code:INT16 partition_index:INT32 leader_id:INT32
 *                                           leader_epoch:INT32 (v7+) replica_nodes:[INT32]
 *                                           isr_nodes:[INT32] offline_replicas:[INT32] (v5+)]
 *                               topic_authorized_operations:INT32 (v8+)]
 *                       cluster_authorized_operations:INT32 (v8–v10)
 *
 * v0 is not implemented: there an empty topic array means "all topics", and it has no racks.
 * Topics are always requested by name: v10/v11 must not use topic ids (brokers never implemented
 * it) and v12 does not need them, so the id written is the zero UUID.
 */
import { defineApi } from './api';
import type { Reader } from './Reader';
import type { Writer } from './Writer';

const FLEXIBLE_FROM = 9;
const ZERO_UUID = Buffer.alloc(16);

/** Metadata request. */
export interface MetadataRequest {
  /** Topics to describe; null for all topics in the cluster, [] for none (brokers only). */
  topics: string[] | null;
  /** Let the broker create requested topics that do not exist (if the broker allows it). */
  allowAutoTopicCreation: boolean;
}

/** A broker of the cluster. */
export interface MetadataBroker {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** A partition's leadership and replicas. */
export interface MetadataPartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  /** -1 before v7. */
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  /** [] before v5. */
  offlineReplicas: number[];
}

/** A topic and its partitions. */
export interface MetadataTopic {
  errorCode: number;
  /** The topic name ('' in the v12 case of an unknown topic asked by id, which rxkafka never does). */
  name: string;
  /** Present from v10. */
  topicId?: Buffer;
  isInternal: boolean;
  partitions: MetadataPartition[];
}

/** Metadata response. */
export interface MetadataResponse {
  throttleTimeMs: number;
  brokers: MetadataBroker[];
  clusterId: string | null;
  controllerId: number;
  topics: MetadataTopic[];
}

function encodeRequest(w: Writer, version: number, req: MetadataRequest): void {
  const flexible = version >= FLEXIBLE_FROM;
  const topics = req.topics;
  if (flexible) w.compactArrayLength(topics === null ? null : topics.length);
  else w.arrayLength(topics === null ? null : topics.length);
  if (topics !== null) {
    for (let i = 0; i < topics.length; i++) {
      if (version >= 10) w.uuid(ZERO_UUID);
      if (flexible) w.compactString(topics[i]).emptyTaggedFields();
      else w.string(topics[i]);
    }
  }
  if (version >= 4) w.boolean(req.allowAutoTopicCreation);
  if (version >= 8 && version <= 10) w.boolean(false); // include_cluster_authorized_operations
  if (version >= 8) w.boolean(false); // include_topic_authorized_operations
  if (flexible) w.emptyTaggedFields();
}

function readInt32Array(r: Reader, flexible: boolean): number[] {
  const count = flexible ? r.compactArrayLength() : r.arrayLength();
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(r.int32());
  return out;
}

function decodeBroker(r: Reader, version: number, flexible: boolean): MetadataBroker {
  const nodeId = r.int32();
  const host = flexible ? r.nonNullCompactString() : r.nonNullString();
  const port = r.int32();
  const rack = version >= 1 ? (flexible ? r.compactString() : r.string()) : null;
  if (flexible) r.skipTaggedFields();
  return { nodeId, host, port, rack };
}

function decodePartition(r: Reader, version: number, flexible: boolean): MetadataPartition {
  const errorCode = r.int16();
  const partitionIndex = r.int32();
  const leaderId = r.int32();
  const leaderEpoch = version >= 7 ? r.int32() : -1;
  const replicaNodes = readInt32Array(r, flexible);
  const isrNodes = readInt32Array(r, flexible);
  const offlineReplicas = version >= 5 ? readInt32Array(r, flexible) : [];
  if (flexible) r.skipTaggedFields();
  return { errorCode, partitionIndex, leaderId, leaderEpoch, replicaNodes, isrNodes, offlineReplicas };
}

function decodeTopic(r: Reader, version: number, flexible: boolean): MetadataTopic {
  const errorCode = r.int16();
  let name: string | null;
  if (version >= 12) name = r.compactString();
  else name = flexible ? r.nonNullCompactString() : r.nonNullString();
  const topicId = version >= 10 ? r.uuid() : undefined;
  const isInternal = version >= 1 ? r.boolean() : false;
  const count = flexible ? r.compactArrayLength() : r.arrayLength();
  const partitions: MetadataPartition[] = [];
  for (let i = 0; i < count; i++) partitions.push(decodePartition(r, version, flexible));
  if (version >= 8) r.int32(); // topic_authorized_operations: never requested
  if (flexible) r.skipTaggedFields();
  const topic: MetadataTopic = { errorCode, name: name ?? '', isInternal, partitions };
  if (topicId !== undefined) topic.topicId = topicId;
  return topic;
}

function decodeResponse(r: Reader, version: number): MetadataResponse {
  const flexible = version >= FLEXIBLE_FROM;
  const throttleTimeMs = version >= 3 ? r.int32() : 0;
  const brokerCount = flexible ? r.compactArrayLength() : r.arrayLength();
  const brokers: MetadataBroker[] = [];
  for (let i = 0; i < brokerCount; i++) brokers.push(decodeBroker(r, version, flexible));
  const clusterId = version >= 2 ? (flexible ? r.compactString() : r.string()) : null;
  const controllerId = version >= 1 ? r.int32() : -1;
  const topicCount = flexible ? r.compactArrayLength() : r.arrayLength();
  const topics: MetadataTopic[] = [];
  for (let i = 0; i < topicCount; i++) topics.push(decodeTopic(r, version, flexible));
  if (version >= 8 && version <= 10) r.int32(); // cluster_authorized_operations: never requested
  if (flexible) r.skipTaggedFields();
  return { throttleTimeMs, brokers, clusterId, controllerId, topics };
}

/** Metadata: brokers, and each topic's partitions and leaders. */
export const Metadata = defineApi<MetadataRequest, MetadataResponse>({
  name: 'Metadata', apiKey: 3, minVersion: 1, maxVersion: 12, flexibleFrom: FLEXIBLE_FROM,
  encodeRequest,
  decodeResponse,
});
