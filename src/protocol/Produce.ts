/**
 * Produce (api key 0), versions 3–11; flexible from v9.
 *
 *   ProduceRequest => transactional_id:NULLABLE_STRING acks:INT16 timeout_ms:INT32
 *                     topic_data:[name:STRING partition_data:[index:INT32 records:NULLABLE_BYTES]]
 *
 *   ProduceResponse => responses:[name:STRING
 *                                 partition_responses:[index:INT32 error_code:INT16 base_offset:INT64
 *                                   log_append_time_ms:INT64 log_start_offset:INT64 (v5+)
 *                                   record_errors:[batch_index:INT32 batch_index_error_message:NULLABLE_STRING] (v8+)
 *                                   error_message:NULLABLE_STRING (v8+)
 *                                   <tag 0> current_leader:{leader_id:INT32 leader_epoch:INT32} (v10+)]]
 *                      throttle_time_ms:INT32
 *                      <tag 0> node_endpoints:[node_id:INT32 host:STRING port:INT32 rack:NULLABLE_STRING] (v10+)
 *
 * Version notes: v3 is the first with RecordBatch v2 (magic 2) and the transactional id — rxkafka
 * sends nothing older. v4 may return KAFKA_STORAGE_ERROR, v7 allows zstd, v8 adds record errors,
 * v9 is flexible, v10 adds the KIP-951 leader hints (tagged), v11 may return TRANSACTION_ABORTABLE
 * (same layout as v10). Requests with acks=0 get no response at all (the network layer knows).
 */
import { defineApi } from './api';
import { Reader } from './Reader';
import { bytesSavedBySharing, GATHERED_WRITE_COST_BYTES, type Writer } from './Writer';

const FLEXIBLE_FROM = 9;
const CURRENT_LEADER_TAG = 0;
const NODE_ENDPOINTS_TAG = 0;

/** Records for one partition: a single encoded RecordBatch. */
export interface ProducePartitionData {
  index: number;
  /** Referenced by the frame, not copied, when the request's batches are large enough (Writer.ts): unchanged until the response. */
  records: Buffer;
}

/** The partitions of one topic in a request. */
export interface ProduceTopicData {
  name: string;
  partitions: ProducePartitionData[];
}

/** Produce request. */
export interface ProduceRequest {
  transactionalId: string | null;
  /** 0 (no response), 1 (leader) or -1 (all in-sync replicas). */
  acks: number;
  timeoutMs: number;
  topics: ProduceTopicData[];
}

/** A record the broker rejected, by its index in the batch. */
export interface ProduceRecordError {
  batchIndex: number;
  message: string | null;
}

/** The leader a broker points to after NOT_LEADER_OR_FOLLOWER (v10+). */
export interface LeaderIdAndEpoch {
  leaderId: number;
  leaderEpoch: number;
}

/** Per-partition result. Fields absent in older versions take Kafka's defaults (-1n, [], null). */
export interface ProducePartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: bigint;
  /** -1n unless the topic uses LogAppendTime. */
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  recordErrors: ProduceRecordError[];
  errorMessage: string | null;
  currentLeader?: LeaderIdAndEpoch;
}

/** Per-topic results. */
export interface ProduceTopicResponse {
  name: string;
  partitions: ProducePartitionResponse[];
}

/** A broker endpoint sent along with leader hints (v10+). */
export interface ProduceNodeEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** Produce response. */
export interface ProduceResponse {
  throttleTimeMs: number;
  topics: ProduceTopicResponse[];
  nodeEndpoints?: ProduceNodeEndpoint[];
}

/**
 * Whether the request's batches go out by reference, in one gathered write, or copied into the
 * frame: by reference when that saves more than the gathered write costs (measured, Writer.ts).
 */
function shareBatches(topics: ProduceTopicData[]): boolean {
  let saved = 0;
  for (let t = 0; t < topics.length; t++) {
    const partitions = topics[t].partitions;
    for (let p = 0; p < partitions.length; p++) saved += bytesSavedBySharing(partitions[p].records.length);
  }
  return saved >= GATHERED_WRITE_COST_BYTES;
}

function encodeRequest(w: Writer, version: number, req: ProduceRequest): void {
  const flexible = version >= FLEXIBLE_FROM;
  const topics = req.topics;
  const share = shareBatches(topics);
  if (flexible) {
    w.compactString(req.transactionalId).int16(req.acks).int32(req.timeoutMs).compactArrayLength(topics.length);
    for (let t = 0; t < topics.length; t++) {
      const partitions = topics[t].partitions;
      w.compactString(topics[t].name).compactArrayLength(partitions.length);
      for (let p = 0; p < partitions.length; p++) {
        const records = partitions[p].records;
        w.int32(partitions[p].index);
        if (share) w.sharedBytes(records, true);
        else w.compactBytes(records);
        w.emptyTaggedFields();
      }
      w.emptyTaggedFields();
    }
    w.emptyTaggedFields();
  } else {
    w.string(req.transactionalId).int16(req.acks).int32(req.timeoutMs).arrayLength(topics.length);
    for (let t = 0; t < topics.length; t++) {
      const partitions = topics[t].partitions;
      w.string(topics[t].name).arrayLength(partitions.length);
      for (let p = 0; p < partitions.length; p++) {
        w.int32(partitions[p].index);
        if (share) w.sharedBytes(partitions[p].records, false);
        else w.bytes(partitions[p].records);
      }
    }
  }
}

function decodeRecordErrors(r: Reader, flexible: boolean): ProduceRecordError[] {
  const count = flexible ? r.compactArrayLength() : r.arrayLength();
  const out: ProduceRecordError[] = [];
  for (let i = 0; i < count; i++) {
    const batchIndex = r.int32();
    const message = flexible ? r.compactString() : r.string();
    if (flexible) r.skipTaggedFields();
    out.push({ batchIndex, message });
  }
  return out;
}

/**
 * Reads a tagged-field section inline (no closure per partition), decoding `knownTag` with
 * `decode` and skipping every other tag. Each field is decoded within its declared size.
 */
function readTagged<T>(r: Reader, knownTag: number, decode: ((r: Reader) => T) | null): T | undefined {
  let value: T | undefined;
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    const field = r.raw(size);
    if (tag === knownTag && decode !== null) {
      value = decode(new Reader(field, 0, field.length));
    }
  }
  return value;
}

function decodeCurrentLeader(r: Reader): LeaderIdAndEpoch {
  const leaderId = r.int32();
  const leaderEpoch = r.int32();
  r.skipTaggedFields();
  return { leaderId, leaderEpoch };
}

function decodeNodeEndpoints(r: Reader): ProduceNodeEndpoint[] {
  const count = r.compactArrayLength();
  const out: ProduceNodeEndpoint[] = [];
  for (let i = 0; i < count; i++) {
    const nodeId = r.int32();
    const host = r.nonNullCompactString();
    const port = r.int32();
    const rack = r.compactString();
    r.skipTaggedFields();
    out.push({ nodeId, host, port, rack });
  }
  return out;
}

function decodePartition(r: Reader, version: number, flexible: boolean): ProducePartitionResponse {
  const index = r.int32();
  const errorCode = r.int16();
  const baseOffset = r.int64();
  const logAppendTimeMs = r.int64(); // v2+, so always present from v3
  const logStartOffset = version >= 5 ? r.int64() : -1n;
  const recordErrors = version >= 8 ? decodeRecordErrors(r, flexible) : [];
  const errorMessage = version >= 8 ? (flexible ? r.compactString() : r.string()) : null;
  const partition: ProducePartitionResponse = {
    index,
    errorCode,
    baseOffset,
    logAppendTimeMs,
    logStartOffset,
    recordErrors,
    errorMessage,
  };
  if (flexible) {
    const currentLeader = readTagged(r, CURRENT_LEADER_TAG, version >= 10 ? decodeCurrentLeader : null);
    if (currentLeader !== undefined) partition.currentLeader = currentLeader;
  }
  return partition;
}

function decodeResponse(r: Reader, version: number): ProduceResponse {
  const flexible = version >= FLEXIBLE_FROM;
  const topicCount = flexible ? r.compactArrayLength() : r.arrayLength();
  const topics: ProduceTopicResponse[] = [];
  for (let t = 0; t < topicCount; t++) {
    const name = flexible ? r.nonNullCompactString() : r.nonNullString();
    const partitionCount = flexible ? r.compactArrayLength() : r.arrayLength();
    const partitions: ProducePartitionResponse[] = [];
    for (let p = 0; p < partitionCount; p++) partitions.push(decodePartition(r, version, flexible));
    if (flexible) r.skipTaggedFields();
    topics.push({ name, partitions });
  }
  const throttleTimeMs = r.int32();
  const response: ProduceResponse = { throttleTimeMs, topics };
  if (flexible) {
    const nodeEndpoints = readTagged(r, NODE_ENDPOINTS_TAG, version >= 10 ? decodeNodeEndpoints : null);
    if (nodeEndpoints !== undefined) response.nodeEndpoints = nodeEndpoints;
  }
  return response;
}

/** Produce: writes record batches to partition leaders. */
export const Produce = defineApi<ProduceRequest, ProduceResponse>({
  name: 'Produce', apiKey: 0, minVersion: 3, maxVersion: 11, flexibleFrom: FLEXIBLE_FROM,
  encodeRequest,
  decodeResponse,
});
