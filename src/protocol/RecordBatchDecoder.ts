/**
 * Decoder of RecordBatch v2 (grammar in `RecordBatch.ts`), compressed ones included, for tests and
 * for verifying what the builder wrote; the producer itself never decodes batches.
 */
import { codecById } from '../compression';
import { messageOf, ProtocolDecodeError } from '../errors';
import { crc32c } from './crc32c';
import { Reader } from './Reader';
import type { RecordHeader } from './RecordBatch';
import {
  ATTRIBUTES_POS,
  COMPRESSION_MASK,
  CONTROL_FLAG,
  LOG_OVERHEAD,
  MAGIC,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_FLAG,
  TRANSACTIONAL_FLAG,
} from './recordBatchLayout';

/** A record as decoded by `decodeRecordBatches`. */
export interface DecodedRecord {
  attributes: number;
  offsetDelta: number;
  timestampMs: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** A batch as decoded by `decodeRecordBatches`, header fields as on the wire. */
export interface DecodedBatch {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  /** Whether `crc` matches the CRC-32C computed over attributes..end. */
  crcValid: boolean;
  attributes: number;
  /** 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
  compression: number;
  /** Bytes of the records section as on the wire (compressed, if `compression` is not 0). */
  recordsBytes: number;
  /** 0 CreateTime, 1 LogAppendTime. */
  timestampType: 0 | 1;
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  baseTimestampMs: number;
  maxTimestampMs: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
  records: DecodedRecord[];
}

function decodeRecord(r: Reader, baseTimestampMs: number): DecodedRecord {
  const length = r.varint();
  const rr = new Reader(r.buffer, r.offset, r.offset + checkedLength(r, length, 'record'));
  r.offset = rr.end;
  const attributes = rr.int8();
  const timestampMs = baseTimestampMs + Number(rr.varlong());
  const offsetDelta = rr.varint();
  const keyLength = rr.varint();
  const key = keyLength === -1 ? null : rr.raw(keyLength);
  const valueLength = rr.varint();
  const value = valueLength === -1 ? null : rr.raw(valueLength);
  const headerCount = rr.varint();
  if (headerCount < 0 || headerCount > rr.remaining) throw new ProtocolDecodeError(`record header count ${headerCount} is invalid`);
  const headers: RecordHeader[] = [];
  for (let i = 0; i < headerCount; i++) {
    const headerKey = rr.raw(rr.varint()).toString('utf8');
    const headerValueLength = rr.varint();
    headers.push({ key: headerKey, value: headerValueLength === -1 ? null : rr.raw(headerValueLength) });
  }
  if (rr.remaining !== 0) throw new ProtocolDecodeError(`record declares ${length} bytes but uses ${length - rr.remaining}`);
  return { attributes, offsetDelta, timestampMs, key, value, headers };
}

function checkedLength(r: Reader, length: number, what: string): number {
  if (length < 0 || length > r.remaining) {
    throw new ProtocolDecodeError(`${what} length ${length} is invalid with ${r.remaining} bytes left`);
  }
  return length;
}

/** The records section of a batch, decompressed if its attributes name a codec. */
function recordsReader(r: Reader, compression: number): Reader {
  if (compression === 0) return r;
  const codec = codecById(compression);
  if (codec === undefined) throw new ProtocolDecodeError(`record batch compression codec ${compression} is unknown`);
  let records: Buffer;
  try {
    records = codec.decompressSync(r.raw(r.remaining));
  } catch (err) {
    throw new ProtocolDecodeError(`${codec.name} records of a batch do not decompress: ${messageOf(err)}`);
  }
  return new Reader(records, 0);
}

/**
 * Decodes concatenated RecordBatch v2 (as in a Produce request's records field), compressed or
 * not, for tests and verification. Throws `ProtocolDecodeError` on anything malformed (records
 * that do not decompress included) or a magic other than 2. A wrong CRC is reported, not thrown.
 *
 * @example
 * const [batch] = decodeRecordBatches(builder.bytes());
 * expect(batch.crcValid).toBe(true);
 */
export function decodeRecordBatches(buf: Buffer): DecodedBatch[] {
  const batches: DecodedBatch[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const head = new Reader(buf, pos);
    if (head.remaining < RECORD_BATCH_OVERHEAD) {
      throw new ProtocolDecodeError(`${head.remaining} trailing bytes are too few for a record batch`);
    }
    const baseOffset = head.int64();
    const batchLength = head.int32();
    if (batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) throw new ProtocolDecodeError(`batch length ${batchLength} is too small`);
    const end = pos + LOG_OVERHEAD + checkedLength(head, batchLength, 'batch');
    const r = new Reader(buf, head.offset, end);
    const partitionLeaderEpoch = r.int32();
    const magic = r.int8();
    if (magic !== MAGIC) throw new ProtocolDecodeError(`record batch magic ${magic} is not 2`);
    const crc = r.uint32();
    const attributes = r.int16();
    const lastOffsetDelta = r.int32();
    const baseTimestampMs = Number(r.int64());
    const maxTimestampMs = Number(r.int64());
    const producerId = r.int64();
    const producerEpoch = r.int16();
    const baseSequence = r.int32();
    const recordsCount = r.int32();
    const compression = attributes & COMPRESSION_MASK;
    const recordsBytes = r.remaining;
    const rr = recordsReader(r, compression);
    if (recordsCount < 0 || recordsCount > rr.remaining) throw new ProtocolDecodeError(`records count ${recordsCount} is invalid`);
    const records: DecodedRecord[] = [];
    for (let i = 0; i < recordsCount; i++) records.push(decodeRecord(rr, baseTimestampMs));
    if (rr.remaining !== 0) throw new ProtocolDecodeError(`${rr.remaining} bytes after the last record of a batch`);
    batches.push({
      baseOffset,
      batchLength,
      partitionLeaderEpoch,
      magic,
      crc,
      crcValid: crc32c(buf, pos + ATTRIBUTES_POS, end) === crc,
      attributes,
      compression,
      recordsBytes,
      timestampType: (attributes & TIMESTAMP_TYPE_FLAG) !== 0 ? 1 : 0,
      isTransactional: (attributes & TRANSACTIONAL_FLAG) !== 0,
      isControl: (attributes & CONTROL_FLAG) !== 0,
      lastOffsetDelta,
      baseTimestampMs,
      maxTimestampMs,
      producerId,
      producerEpoch,
      baseSequence,
      recordsCount,
      records,
    });
    pos = end;
  }
  return batches;
}
