import {
  MAX_VARINT_BYTES,
  MAX_VARLONG_BYTES,
  writeUnsignedVarint,
  writeVarint,
  writeVarlong,
  writeVarlongBigInt,
} from './varint';

const INT16_MAX = 0x7fff;
const UUID_BYTES = 16;
/*
 * When referencing record batches beats copying them into the frame. Measured (issue 12,
 * `benchmarks/gatheredWrite.js`): the producer's CPU per Produce request written through
 * RequestWriter to a loopback socket, best of 3–5 processes, batches referenced vs copied —
 * 6 × 16 KiB 24.8 vs 28.2 µs, 1 × 64 KiB 14.6 vs 17.5, 1 × 32 KiB 11.0 vs 10.4, 2 × 16 KiB 12.6 vs
 * 10.7, 1 × 16 KiB 10.4 vs 9.2, 6 × 8 KiB 18.9 vs 15.5, 30 × 4 KiB 47.0 vs 40.5, 6 × 1 KiB 12.5 vs
 * 8.3. They fit a referenced batch saving the memcpy of its bytes (~0.1 µs per KiB) and costing
 * about as much as a 6 KiB memcpy (two more corked writes: the batch and the fields after it, each
 * a Writable.write entry and an iovec), and the gathered write (cork, writev) costing about as
 * much as a 32 KiB memcpy once per request. Hence per request, not per batch: a 16 KiB batch alone
 * is cheaper copied, six of them referenced. End to end the difference is below the noise (well
 * under 1% of the CPU per record).
 */
/** A buffer shorter than this is always copied: referencing it costs about as much as a memcpy of this many bytes. */
export const SHARE_MIN_BYTES = 6 * 1024;
/** The gathered write's own cost, as bytes of memcpy: worth paying when a request's references save more. */
export const GATHERED_WRITE_COST_BYTES = 32 * 1024;

/** What referencing a buffer of `length` bytes saves over copying it, as bytes of memcpy; a request sums them. */
export function bytesSavedBySharing(length: number): number {
  return length >= SHARE_MIN_BYTES ? length - SHARE_MIN_BYTES : 0;
}

/**
 * A growable big-endian buffer writer for Kafka requests.
 *
 * One Writer is meant to be reused for every request a connection sends: `reset()` rewinds it,
 * and its buffer only grows (doubling) when a request is larger than any before, so steady-state
 * encoding allocates nothing. `toBuffer()` shares the Writer's memory: send (or copy) the frame
 * before the next `reset()`.
 *
 * Large record batches are not copied in: `sharedBytes` only notes where they go, and `toChunks()`
 * cuts the Writer's memory around them, so a Produce request goes out as one gathered write of
 * [header, batch, header, batch, …] — as the Java client's SendBuilder does with its record buffers.
 *
 * @example
 * const w = new Writer();
 * w.int16(18).int16(3).int32(correlationId).string('rxkafka');
 * socket.write(w.toBuffer());
 */
export class Writer {
  /** The backing memory; replaced by a larger one when it fills. Valid bytes are [0, offset). */
  buffer: Buffer;
  /** The next write position in `buffer` (bytes written since the last reset, shared ones excluded). */
  offset: number;
  /** Buffers referenced by `sharedBytes` since the last reset, in order. */
  private shared: Buffer[] = [];
  /** For each `shared` buffer, the `offset` at which it goes. */
  private sharedAt: number[] = [];
  /** Total length of `shared`. */
  private sharedLength = 0;

  constructor(initialCapacity = 1024) {
    this.buffer = Buffer.allocUnsafe(Math.max(16, initialCapacity));
    this.offset = 0;
  }

  /** Rewinds to the start; the memory is kept for the next request. */
  reset(): this {
    this.offset = 0;
    if (this.shared.length > 0) {
      this.shared.length = 0;
      this.sharedAt.length = 0;
      this.sharedLength = 0;
    }
    return this;
  }

  /** Bytes written since the last reset, shared ones included: the frame's length. */
  get length(): number {
    return this.offset + this.sharedLength;
  }

  /** Makes room for `n` more bytes, doubling the capacity as often as needed. */
  ensure(n: number): void {
    const needed = this.offset + n;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = Buffer.allocUnsafe(capacity);
    this.buffer.copy(next, 0, 0, this.offset);
    this.buffer = next;
  }

  int8(v: number): this {
    this.ensure(1);
    this.offset = this.buffer.writeInt8(v, this.offset);
    return this;
  }

  int16(v: number): this {
    this.ensure(2);
    this.offset = this.buffer.writeInt16BE(v, this.offset);
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.offset = this.buffer.writeInt32BE(v, this.offset);
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.offset = this.buffer.writeUInt32BE(v, this.offset);
    return this;
  }

  int64(v: bigint): this {
    this.ensure(8);
    this.offset = this.buffer.writeBigInt64BE(v, this.offset);
    return this;
  }

  boolean(v: boolean): this {
    this.ensure(1);
    this.buffer[this.offset++] = v ? 1 : 0;
    return this;
  }

  /** Unsigned varint, 0..2^32-1 (compact lengths, tagged-field counts). */
  uvarint(v: number): this {
    if (v >>> 0 !== v) throw new RangeError(`unsigned varint ${v} is not in 0..2^32-1`);
    this.ensure(MAX_VARINT_BYTES);
    this.offset = writeUnsignedVarint(this.buffer, this.offset, v);
    return this;
  }

  /** Zigzag varint of an int32. */
  varint(v: number): this {
    if ((v | 0) !== v) throw new RangeError(`varint ${v} is not an int32`);
    this.ensure(MAX_VARINT_BYTES);
    this.offset = writeVarint(this.buffer, this.offset, v);
    return this;
  }

  /** Zigzag varlong of an int64; numbers take a BigInt-free path while |v| <= 2^52. */
  varlong(v: number | bigint): this {
    this.ensure(MAX_VARLONG_BYTES);
    this.offset =
      typeof v === 'number' ? writeVarlong(this.buffer, this.offset, v) : writeVarlongBigInt(this.buffer, this.offset, v);
    return this;
  }

  /** STRING / NULLABLE_STRING: int16 byte length (-1 for null), then UTF-8. */
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const length = Buffer.byteLength(v, 'utf8');
    if (length > INT16_MAX) throw new RangeError(`string of ${length} bytes exceeds the int16 length limit`);
    this.ensure(2 + length);
    this.offset = this.buffer.writeInt16BE(length, this.offset);
    this.offset += this.buffer.write(v, this.offset, length, 'utf8');
    return this;
  }

  /** COMPACT_(NULLABLE_)STRING: uvarint length+1 (0 for null), then UTF-8. */
  compactString(v: string | null): this {
    if (v === null) return this.uvarint(0);
    const length = Buffer.byteLength(v, 'utf8');
    this.ensure(MAX_VARINT_BYTES + length);
    this.offset = writeUnsignedVarint(this.buffer, this.offset, length + 1);
    this.offset += this.buffer.write(v, this.offset, length, 'utf8');
    return this;
  }

  /** BYTES / NULLABLE_BYTES: int32 length (-1 for null), then the bytes. */
  bytes(v: Buffer | null): this {
    if (v === null) return this.int32(-1);
    this.ensure(4 + v.length);
    this.offset = this.buffer.writeInt32BE(v.length, this.offset);
    this.offset += v.copy(this.buffer, this.offset);
    return this;
  }

  /** COMPACT_(NULLABLE_)BYTES: uvarint length+1 (0 for null), then the bytes. */
  compactBytes(v: Buffer | null): this {
    if (v === null) return this.uvarint(0);
    this.ensure(MAX_VARINT_BYTES + v.length);
    this.offset = writeUnsignedVarint(this.buffer, this.offset, v.length + 1);
    this.offset += v.copy(this.buffer, this.offset);
    return this;
  }

  /**
   * BYTES / NULLABLE_BYTES (or the compact form) whose content is referenced, not copied, when it
   * is at least SHARE_MIN_BYTES long. The caller keeps `v` unchanged until the frame is written.
   */
  sharedBytes(v: Buffer | null, compact: boolean): this {
    if (v === null || v.length < SHARE_MIN_BYTES) return compact ? this.compactBytes(v) : this.bytes(v);
    if (compact) this.uvarint(v.length + 1);
    else this.int32(v.length);
    this.shared.push(v);
    this.sharedAt.push(this.offset);
    this.sharedLength += v.length;
    return this;
  }

  /** Copies `buf[start, end)` as is, with no length prefix. */
  raw(buf: Buffer, start = 0, end = buf.length): this {
    this.ensure(end - start);
    this.offset += buf.copy(this.buffer, this.offset, start, end);
    return this;
  }

  /** ARRAY length: int32 count, -1 for a null array. */
  arrayLength(n: number | null): this {
    return this.int32(n === null ? -1 : n);
  }

  /** COMPACT_ARRAY length: uvarint count+1, 0 for a null array. */
  compactArrayLength(n: number | null): this {
    return this.uvarint(n === null ? 0 : n + 1);
  }

  /** An empty tagged-field section (flexible versions end every struct with one). */
  emptyTaggedFields(): this {
    this.ensure(1);
    this.buffer[this.offset++] = 0;
    return this;
  }

  /** UUID: 16 raw bytes. */
  uuid(b: Buffer): this {
    if (b.length !== UUID_BYTES) throw new RangeError(`a UUID has 16 bytes, got ${b.length}`);
    return this.raw(b);
  }

  /** Skips `n` bytes to be backfilled later (a size or a CRC); returns their position. */
  reserve(n: number): number {
    this.ensure(n);
    const pos = this.offset;
    this.offset += n;
    return pos;
  }

  setInt32At(pos: number, v: number): void {
    this.buffer.writeInt32BE(v, pos);
  }

  setUInt32At(pos: number, v: number): void {
    this.buffer.writeUInt32BE(v, pos);
  }

  /** The bytes written since the last reset. Shares memory with the Writer (no copy) unless buffers were shared. */
  toBuffer(): Buffer {
    if (this.shared.length === 0) return this.buffer.subarray(0, this.offset);
    return Buffer.concat(this.toChunks(), this.length);
  }

  /**
   * The bytes written since the last reset as chunks for one gathered write: views of the Writer's
   * memory (even positions; may be empty) interleaved with the shared buffers (odd positions).
   */
  toChunks(): Buffer[] {
    const n = this.shared.length;
    if (n === 0) return [this.buffer.subarray(0, this.offset)];
    const chunks = new Array<Buffer>(2 * n + 1);
    let from = 0;
    for (let i = 0; i < n; i++) {
      const at = this.sharedAt[i];
      chunks[2 * i] = this.buffer.subarray(from, at);
      chunks[2 * i + 1] = this.shared[i];
      from = at;
    }
    chunks[2 * n] = this.buffer.subarray(from, this.offset);
    return chunks;
  }
}
