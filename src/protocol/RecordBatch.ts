/**
 * RecordBatch v2 (magic 2), the only record format rxkafka writes (Produce v3+).
 *
 *   RecordBatch => base_offset:INT64 batch_length:INT32 partition_leader_epoch:INT32 magic:INT8
 *                  crc:UINT32 attributes:INT16 last_offset_delta:INT32 base_timestamp:INT64
 *                  max_timestamp:INT64 producer_id:INT64 producer_epoch:INT16 base_sequence:INT32
 *                  records_count:INT32 records
 *   Record      => length:VARINT attributes:INT8 timestamp_delta:VARLONG offset_delta:VARINT
 *                  key_length:VARINT key value_length:VARINT value headers_count:VARINT
 *                  [header_key_length:VARINT header_key header_value_length:VARINT header_value]
 *
 * batch_length counts the bytes after itself; crc is CRC-32C over attributes..end, so it covers the
 * producer id, epoch and sequence (rewritten on retry) but not the base offset (set by the broker).
 * The builder writes records straight into the batch's buffer (no intermediate copies), leaves the
 * header as a placeholder, and backfills it on `close()`. A batch that outgrows its buffer moves
 * to a larger one (`moveTo`, one copy of what is written); doubling sizes copy each byte about
 * once. The decoder, for tests, splitting and verification, is `RecordBatchDecoder.ts` (it
 * imports this file, not back).
 *
 * Compression (attributes bits 0–2): the whole records section — everything after the 61-byte
 * header — is compressed as one unit on `close()`, and the compressed bytes are written back over
 * it in the same buffer, so a batch never holds more memory than the buffer it was given. The CRC
 * covers the compressed bytes; the header (record count, offsets, timestamps) stays uncompressed.
 * When compressing does not make the records smaller (incompressible data), the batch goes
 * uncompressed, with codec 0, as librdkafka does: every reader takes either.
 */
import type { CompressionCodec } from '../compression/CompressionCodec';
import { crc32c } from './crc32c';
import {
  ATTRIBUTES_POS,
  BASE_SEQUENCE_POS,
  COMPRESSION_MASK,
  BASE_TIMESTAMP_POS,
  BATCH_LENGTH_POS,
  CRC_POS,
  LAST_OFFSET_DELTA_POS,
  LOG_OVERHEAD,
  MAGIC,
  MAGIC_POS,
  MAX_TIMESTAMP_POS,
  PARTITION_LEADER_EPOCH_POS,
  PRODUCER_EPOCH_POS,
  PRODUCER_ID_POS,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_POS,
  TRANSACTIONAL_FLAG,
} from './recordBatchLayout';
import {
  MAX_VARINT_BYTES,
  MAX_VARLONG_BYTES,
  sizeOfVarint,
  sizeOfVarlong,
  writeVarint,
  writeVarlong,
} from './varint';

export { RECORD_BATCH_OVERHEAD } from './recordBatchLayout';

/** A record header. Keys are strings (UTF-8 on the wire), values are bytes or null. */
export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

const TWO_POW_32 = 2 ** 32;

// Scratch space for header-key byte lengths, measured once per append and reused by the write pass.
// Safe to share: appends are synchronous and never nest.
const headerKeyBytes: number[] = [];

/** Writes an integer number (|v| < 2^53) as a big-endian int64 without going through BigInt. */
function writeInt64FromNumber(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / TWO_POW_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(v - hi * TWO_POW_32, pos + 4);
}

/**
 * An upper bound of a record's encoded size, computable before the record is written: the length,
 * timestamp-delta and offset-delta varints are counted at their maximum size. The accumulator
 * uses it to account memory and check room without encoding twice.
 *
 * @param keyBytes key length in bytes, -1 for a null key
 * @param valueBytes value length in bytes, -1 for a null value
 * @example
 * recordSizeUpperBound(key?.length ?? -1, value?.length ?? -1, headers)
 */
export function recordSizeUpperBound(
  keyBytes: number,
  valueBytes: number,
  headers: RecordHeader[] | null | undefined,
): number {
  // attributes + timestamp delta + offset delta
  let body = 1 + MAX_VARLONG_BYTES + MAX_VARINT_BYTES;
  body += keyBytes < 0 ? 1 : sizeOfVarint(keyBytes) + keyBytes;
  body += valueBytes < 0 ? 1 : sizeOfVarint(valueBytes) + valueBytes;
  const headerCount = headers == null ? 0 : headers.length;
  body += sizeOfVarint(headerCount);
  for (let i = 0; i < headerCount; i++) {
    const h = headers![i];
    const k = Buffer.byteLength(h.key, 'utf8');
    body += sizeOfVarint(k) + k + (h.value === null ? 1 : sizeOfVarint(h.value.length) + h.value.length);
  }
  return MAX_VARINT_BYTES + body;
}

/**
 * Builds one RecordBatch v2 in a caller-supplied buffer (the batch's memory from the buffer pool):
 * placeholders on construction, records appended in place, records compressed (with a codec) and
 * header backfilled on `close()`, producer state stamped (and the CRC recomputed) whenever the
 * sender assigns it.
 *
 * @example
 * const b = new RecordBatchBuilder(Buffer.allocUnsafe(16384), Date.now());
 * if (b.hasRoomFor(recordSizeUpperBound(3, 5, null))) b.append(Date.now(), Buffer.from('key'), Buffer.from('value'), null);
 * b.close();
 * b.setProducerState(-1n, -1, -1, false);
 * request.records = b.bytes();
 */
export class RecordBatchBuilder {
  /** The batch's memory; bytes [0, position) are the batch so far. Replaced by `moveTo` while open. */
  private buffer: Buffer;
  /** Next write position; equals the batch's size in bytes. */
  private position: number;
  /** Records appended; the next record's offset delta. */
  private count: number;
  /** The first record's timestamp (the constructor's value until a record is appended). */
  private baseTimestamp: number;
  /** The largest record timestamp so far. */
  private maxTimestamp: number;
  /**
   * The header changed since the CRC was last written (set by close() and by a setProducerState
   * that changed a field): bytes() writes it again. The CRC covers the whole batch, so it is
   * computed once per send of a batch: at its first drain, and again only after a restamp
   * (an epoch bump); a retry with the same header sends the same bytes.
   */
  private crcStale = false;
  /** Set by close(): no more appends, header fields final. */
  private closed: boolean;
  /** The codec id written in the attributes: the codec's once close() compressed, else 0. */
  private compressionId = 0;

  /**
   * @param codec compresses the records on close(); null (the default) writes them uncompressed
   */
  constructor(
    buffer: Buffer,
    baseTimestampMs: number,
    private readonly codec: CompressionCodec | null = null,
  ) {
    if (buffer.length < RECORD_BATCH_OVERHEAD) {
      throw new RangeError(`a record batch needs at least ${RECORD_BATCH_OVERHEAD} bytes, got ${buffer.length}`);
    }
    this.buffer = buffer;
    this.position = RECORD_BATCH_OVERHEAD;
    this.count = 0;
    this.baseTimestamp = baseTimestampMs;
    this.maxTimestamp = baseTimestampMs;
    this.closed = false;
    buffer.fill(0, 0, RECORD_BATCH_OVERHEAD);
    // base_offset 0: the broker assigns offsets. Leader epoch -1: producers do not know it.
    buffer.writeInt32BE(-1, PARTITION_LEADER_EPOCH_POS);
    buffer.writeInt8(MAGIC, MAGIC_POS);
    // No producer state until the sender stamps it (non-idempotent producers keep these).
    buffer.writeInt32BE(-1, PRODUCER_ID_POS);
    buffer.writeInt32BE(-1, PRODUCER_ID_POS + 4);
    buffer.writeInt16BE(-1, PRODUCER_EPOCH_POS);
    buffer.writeInt32BE(-1, BASE_SEQUENCE_POS);
  }

  /** Records appended so far. */
  get recordCount(): number {
    return this.count;
  }

  /** Encoded size of the batch so far, header included (compressed once closed with a codec). */
  get sizeInBytes(): number {
    return this.position;
  }

  /** The codec id in the batch's attributes: 0 until close() compressed the records. */
  get compression(): number {
    return this.compressionId;
  }

  /**
   * The uncompressed records appended so far (a view of the buffer, valid until close()), for
   * compressing them elsewhere — e.g. on the thread pool with `codec.compress` — and handing the
   * result to `close(compressed)`.
   */
  get records(): Buffer {
    if (this.closed) throw new Error('RecordBatchBuilder.records after close()');
    return this.buffer.subarray(RECORD_BATCH_OVERHEAD, this.position);
  }

  /** The largest timestamp appended (the constructor's timestamp while empty). */
  get maxTimestampMs(): number {
    return this.maxTimestamp;
  }

  /** Whether a record of at most `sizeUpperBound` bytes (see `recordSizeUpperBound`) still fits. */
  hasRoomFor(sizeUpperBound: number): boolean {
    return !this.closed && this.position + sizeUpperBound <= this.buffer.length;
  }

  /** The length of the buffer written into now. */
  get capacity(): number {
    return this.buffer.length;
  }

  /**
   * Moves the batch into `buffer`, larger than the one it is in (a batch grows as records arrive):
   * the bytes written so far — header placeholders and records — are copied once, and appends go
   * on there. Returns the buffer left, which the caller owns again. Only while open: once closed,
   * `bytes()` views the buffer the batch ended in.
   */
  moveTo(buffer: Buffer): Buffer {
    if (this.closed) throw new Error('RecordBatchBuilder.moveTo after close()');
    if (buffer.length < this.position) {
      throw new RangeError(`moving a batch of ${this.position} bytes into a buffer of ${buffer.length}`);
    }
    const previous = this.buffer;
    buffer.set(previous.subarray(0, this.position), 0);
    this.buffer = buffer;
    return previous;
  }

  /**
   * Appends one record. The caller checked `hasRoomFor(recordSizeUpperBound(…))`; if it did not
   * and the record does not fit, this throws before writing anything.
   */
  append(timestampMs: number, key: Buffer | null, value: Buffer | null, headers: RecordHeader[] | null | undefined): void {
    if (this.closed) throw new Error('RecordBatchBuilder.append after close()');
    if (this.count === 0) {
      this.baseTimestamp = timestampMs;
      this.maxTimestamp = timestampMs;
    } else if (timestampMs > this.maxTimestamp) {
      this.maxTimestamp = timestampMs;
    }
    const timestampDelta = timestampMs - this.baseTimestamp;
    const offsetDelta = this.count;
    const keyLength = key === null ? -1 : key.length;
    const valueLength = value === null ? -1 : value.length;
    const headerCount = headers == null ? 0 : headers.length;

    // Measure first: the record starts with its own length.
    let bodySize =
      1 +
      sizeOfVarlong(timestampDelta) +
      sizeOfVarint(offsetDelta) +
      sizeOfVarint(keyLength) +
      (keyLength > 0 ? keyLength : 0) +
      sizeOfVarint(valueLength) +
      (valueLength > 0 ? valueLength : 0) +
      sizeOfVarint(headerCount);
    for (let i = 0; i < headerCount; i++) {
      const h = headers![i];
      const k = Buffer.byteLength(h.key, 'utf8');
      headerKeyBytes[i] = k;
      const v = h.value === null ? -1 : h.value.length;
      bodySize += sizeOfVarint(k) + k + sizeOfVarint(v) + (v > 0 ? v : 0);
    }
    const buf = this.buffer;
    if (this.position + sizeOfVarint(bodySize) + bodySize > buf.length) {
      throw new RangeError(`record of ${bodySize} bytes does not fit in the batch buffer; check hasRoomFor() first`);
    }

    let pos = writeVarint(buf, this.position, bodySize);
    buf[pos++] = 0; // record attributes: unused
    pos = writeVarlong(buf, pos, timestampDelta);
    pos = writeVarint(buf, pos, offsetDelta);
    pos = writeVarint(buf, pos, keyLength);
    // TypedArray#set, not Buffer#copy: the same memcpy without copy()'s argument handling, which
    // costs more than the copy itself for keys and values of a few hundred bytes.
    if (key !== null) {
      buf.set(key, pos);
      pos += keyLength;
    }
    pos = writeVarint(buf, pos, valueLength);
    if (value !== null) {
      buf.set(value, pos);
      pos += valueLength;
    }
    pos = writeVarint(buf, pos, headerCount);
    for (let i = 0; i < headerCount; i++) {
      const h = headers![i];
      const k = headerKeyBytes[i];
      pos = writeVarint(buf, pos, k);
      pos += buf.write(h.key, pos, k, 'utf8');
      if (h.value === null) {
        pos = writeVarint(buf, pos, -1);
      } else {
        pos = writeVarint(buf, pos, h.value.length);
        pos += h.value.copy(buf, pos);
      }
    }
    this.position = pos;
    this.count++;
  }

  /**
   * Ends the batch: compresses the records (with a codec), backfills batch length, attributes
   * (codec, CreateTime), last offset delta, timestamps and record count. Idempotent. The CRC is
   * computed by `bytes()`: an idempotent producer stamps its sequence after closing, and the CRC
   * is then computed once.
   *
   * @param compressed the records already compressed by this builder's codec (from `records`,
   *   e.g. off the event loop); null to leave them uncompressed; without it, close() compresses
   *   them here, synchronously
   */
  close(compressed?: Buffer | null): void {
    if (this.closed) return;
    if (this.codec !== null && this.count > 0) {
      if (compressed !== null) this.useCompressed(compressed ?? this.codec.compressSync(this.records));
    } else if (compressed != null) {
      throw new Error('RecordBatchBuilder.close(compressed) without a codec (or records)');
    }
    this.closed = true;
    const buf = this.buffer;
    buf.writeInt32BE(this.position - LOG_OVERHEAD, BATCH_LENGTH_POS);
    // Keep only the transactional flag, which setProducerState may already have set.
    buf.writeInt16BE((buf.readInt16BE(ATTRIBUTES_POS) & TRANSACTIONAL_FLAG) | this.compressionId, ATTRIBUTES_POS);
    buf.writeInt32BE(this.count - 1, LAST_OFFSET_DELTA_POS);
    writeInt64FromNumber(buf, BASE_TIMESTAMP_POS, this.baseTimestamp);
    writeInt64FromNumber(buf, MAX_TIMESTAMP_POS, this.maxTimestamp);
    buf.writeInt32BE(this.count, RECORDS_COUNT_POS);
    this.crcStale = true;
  }

  /**
   * Stamps the idempotence/transaction fields. Callable before or after `close()`, and again on a
   * retry with a new epoch or sequence; the CRC is recomputed by the next `bytes()` only if a
   * field changed, so that stamping the state a batch already carries costs no second pass over
   * its bytes. A non-idempotent producer uses (-1n, -1, -1, false), the state a new builder
   * starts with.
   */
  setProducerState(producerId: bigint, producerEpoch: number, baseSequence: number, isTransactional: boolean): void {
    const buf = this.buffer;
    const attributes = buf.readInt16BE(ATTRIBUTES_POS);
    const stamped = isTransactional ? attributes | TRANSACTIONAL_FLAG : attributes & ~TRANSACTIONAL_FLAG;
    if (
      stamped === attributes &&
      buf.readInt32BE(BASE_SEQUENCE_POS) === baseSequence &&
      buf.readInt16BE(PRODUCER_EPOCH_POS) === producerEpoch &&
      buf.readBigInt64BE(PRODUCER_ID_POS) === producerId
    ) {
      return;
    }
    buf.writeBigInt64BE(producerId, PRODUCER_ID_POS);
    buf.writeInt16BE(producerEpoch, PRODUCER_EPOCH_POS);
    buf.writeInt32BE(baseSequence, BASE_SEQUENCE_POS);
    buf.writeInt16BE(stamped, ATTRIBUTES_POS);
    this.crcStale = true;
  }

  /** The encoded batch (a view of the buffer), CRC valid. Closes the batch if it is still open. */
  bytes(): Buffer {
    this.close();
    if (this.crcStale) {
      this.crcStale = false;
      this.writeCrc();
    }
    return this.buffer.subarray(0, this.position);
  }

  /** Writes the compressed records over the uncompressed ones, when they are smaller. */
  private useCompressed(compressed: Buffer): void {
    if (RECORD_BATCH_OVERHEAD + compressed.length >= this.position) return; // not worth it: stays uncompressed
    compressed.copy(this.buffer, RECORD_BATCH_OVERHEAD);
    this.position = RECORD_BATCH_OVERHEAD + compressed.length;
    this.compressionId = this.codec!.id & COMPRESSION_MASK;
  }

  private writeCrc(): void {
    this.buffer.writeUInt32BE(crc32c(this.buffer, ATTRIBUTES_POS, this.position), CRC_POS);
  }
}
