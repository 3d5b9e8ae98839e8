/**
 * Test-only encoders of the responses rxkafka decodes, written from the message grammars in each
 * API file's header. Used for round trips at every version and as seeds for the decode fuzz test.
 */
import type { ApiVersionsResponse } from '../../src/protocol/ApiVersions';
import type { FindCoordinatorResponse } from '../../src/protocol/FindCoordinator';
import type { InitProducerIdResponse } from '../../src/protocol/InitProducerId';
import type { MetadataResponse } from '../../src/protocol/Metadata';
import type { ProduceResponse } from '../../src/protocol/Produce';
import type { TxnErrorResponse, TxnPartitionsResponse } from '../../src/protocol/txnMessages';
import type { SaslAuthenticateResponse } from '../../src/protocol/SaslAuthenticate';
import type { SaslHandshakeResponse } from '../../src/protocol/SaslHandshake';
import { Writer } from '../../src/protocol/Writer';

type Str = (w: Writer, s: string | null) => void;

function strFn(flexible: boolean): Str {
  return flexible ? (w, s) => w.compactString(s) : (w, s) => w.string(s);
}

function arrayLen(w: Writer, flexible: boolean, n: number | null): void {
  if (flexible) w.compactArrayLength(n);
  else w.arrayLength(n);
}

function int32Array(w: Writer, flexible: boolean, values: number[]): void {
  arrayLen(w, flexible, values.length);
  for (const v of values) w.int32(v);
}

/** Writes one tagged field whose content `write` produces. */
function taggedField(w: Writer, tag: number, write: (w: Writer) => void): void {
  const content = new Writer();
  write(content);
  w.uvarint(tag).uvarint(content.offset).raw(content.toBuffer());
}

export function encodeApiVersionsResponse(version: number, res: ApiVersionsResponse): Buffer {
  const flexible = version >= 3;
  const w = new Writer();
  w.int16(res.errorCode);
  arrayLen(w, flexible, res.apiKeys.length);
  for (const k of res.apiKeys) {
    w.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion);
    if (flexible) w.emptyTaggedFields();
  }
  if (version >= 1) w.int32(res.throttleTimeMs);
  if (flexible) {
    // A broker's features (tag 0, SupportedFeatures), which the decoder must skip.
    w.uvarint(1);
    taggedField(w, 0, (f) => f.compactArrayLength(1).compactString('metadata.version').int16(1).int16(20).emptyTaggedFields());
  }
  return Buffer.from(w.toBuffer());
}

export function encodeMetadataResponse(version: number, res: MetadataResponse): Buffer {
  const flexible = version >= 9;
  const str = strFn(flexible);
  const w = new Writer();
  if (version >= 3) w.int32(res.throttleTimeMs);
  arrayLen(w, flexible, res.brokers.length);
  for (const b of res.brokers) {
    w.int32(b.nodeId);
    str(w, b.host);
    w.int32(b.port);
    if (version >= 1) str(w, b.rack);
    if (flexible) w.emptyTaggedFields();
  }
  if (version >= 2) str(w, res.clusterId);
  if (version >= 1) w.int32(res.controllerId);
  arrayLen(w, flexible, res.topics.length);
  for (const t of res.topics) {
    w.int16(t.errorCode);
    str(w, t.name);
    if (version >= 10) w.uuid(t.topicId ?? Buffer.alloc(16));
    if (version >= 1) w.boolean(t.isInternal);
    arrayLen(w, flexible, t.partitions.length);
    for (const p of t.partitions) {
      w.int16(p.errorCode).int32(p.partitionIndex).int32(p.leaderId);
      if (version >= 7) w.int32(p.leaderEpoch);
      int32Array(w, flexible, p.replicaNodes);
      int32Array(w, flexible, p.isrNodes);
      if (version >= 5) int32Array(w, flexible, p.offlineReplicas);
      if (flexible) w.emptyTaggedFields();
    }
    if (version >= 8) w.int32(-2147483648);
    if (flexible) w.emptyTaggedFields();
  }
  if (version >= 8 && version <= 10) w.int32(-2147483648);
  if (flexible) w.emptyTaggedFields();
  return Buffer.from(w.toBuffer());
}

export function encodeProduceResponse(version: number, res: ProduceResponse): Buffer {
  const flexible = version >= 9;
  const str = strFn(flexible);
  const w = new Writer();
  arrayLen(w, flexible, res.topics.length);
  for (const t of res.topics) {
    str(w, t.name);
    arrayLen(w, flexible, t.partitions.length);
    for (const p of t.partitions) {
      w.int32(p.index).int16(p.errorCode).int64(p.baseOffset).int64(p.logAppendTimeMs);
      if (version >= 5) w.int64(p.logStartOffset);
      if (version >= 8) {
        arrayLen(w, flexible, p.recordErrors.length);
        for (const e of p.recordErrors) {
          w.int32(e.batchIndex);
          str(w, e.message);
          if (flexible) w.emptyTaggedFields();
        }
        str(w, p.errorMessage);
      }
      if (flexible) {
        const leader = p.currentLeader;
        if (version >= 10 && leader) {
          w.uvarint(1);
          taggedField(w, 0, (f) => f.int32(leader.leaderId).int32(leader.leaderEpoch).emptyTaggedFields());
        } else {
          w.emptyTaggedFields();
        }
      }
    }
    if (flexible) w.emptyTaggedFields();
  }
  w.int32(res.throttleTimeMs);
  if (flexible) {
    const endpoints = res.nodeEndpoints;
    if (version >= 10 && endpoints) {
      w.uvarint(1);
      taggedField(w, 0, (f) => {
        f.compactArrayLength(endpoints.length);
        for (const e of endpoints) f.int32(e.nodeId).compactString(e.host).int32(e.port).compactString(e.rack).emptyTaggedFields();
      });
    } else {
      w.emptyTaggedFields();
    }
  }
  return Buffer.from(w.toBuffer());
}

export function encodeInitProducerIdResponse(version: number, res: InitProducerIdResponse): Buffer {
  const w = new Writer();
  w.int32(res.throttleTimeMs).int16(res.errorCode).int64(res.producerId).int16(res.producerEpoch);
  if (version >= 2) w.emptyTaggedFields();
  return Buffer.from(w.toBuffer());
}

export function encodeFindCoordinatorResponse(version: number, res: FindCoordinatorResponse): Buffer {
  const flexible = version >= 3;
  const str = strFn(flexible);
  const w = new Writer();
  if (version >= 1) w.int32(res.throttleTimeMs);
  w.int16(res.errorCode);
  if (version >= 1) str(w, res.errorMessage);
  w.int32(res.nodeId);
  str(w, res.host);
  w.int32(res.port);
  if (flexible) w.emptyTaggedFields();
  return Buffer.from(w.toBuffer());
}

/** AddOffsetsToTxn and EndTxn (flexible from v3). */
export function encodeTxnErrorResponse(version: number, res: TxnErrorResponse): Buffer {
  const w = new Writer();
  w.int32(res.throttleTimeMs).int16(res.errorCode);
  if (version >= 3) w.emptyTaggedFields();
  return Buffer.from(w.toBuffer());
}

/** AddPartitionsToTxn and TxnOffsetCommit (flexible from v3). */
export function encodeTxnPartitionsResponse(version: number, res: TxnPartitionsResponse): Buffer {
  const flexible = version >= 3;
  const str = strFn(flexible);
  const w = new Writer();
  w.int32(res.throttleTimeMs);
  arrayLen(w, flexible, res.topics.length);
  for (const t of res.topics) {
    str(w, t.name);
    arrayLen(w, flexible, t.partitions.length);
    for (const p of t.partitions) {
      w.int32(p.partitionIndex).int16(p.errorCode);
      if (flexible) w.emptyTaggedFields();
    }
    if (flexible) w.emptyTaggedFields();
  }
  if (flexible) w.emptyTaggedFields();
  return Buffer.from(w.toBuffer());
}

export function encodeSaslHandshakeResponse(res: SaslHandshakeResponse): Buffer {
  const w = new Writer();
  w.int16(res.errorCode).arrayLength(res.mechanisms.length);
  for (const m of res.mechanisms) w.string(m);
  return Buffer.from(w.toBuffer());
}

export function encodeSaslAuthenticateResponse(version: number, res: SaslAuthenticateResponse): Buffer {
  const flexible = version >= 2;
  const w = new Writer();
  w.int16(res.errorCode);
  strFn(flexible)(w, res.errorMessage);
  if (flexible) w.compactBytes(res.authBytes);
  else w.bytes(res.authBytes);
  if (version >= 1) w.int64(BigInt(res.sessionLifetimeMs));
  if (flexible) w.emptyTaggedFields();
  return Buffer.from(w.toBuffer());
}
