import { ProtocolDecodeError } from '../errors';

const UUID_BYTES = 16;
// Each tagged field takes at least two bytes (tag and size varints).
const MIN_TAGGED_FIELD_BYTES = 2;

/**
 * A bounds-checked big-endian reader over one response body (or any slice of a buffer).
 *
 * Broker bytes are untrusted: every read checks the bytes left before touching the buffer, and
 * every length or count is checked against them before anything is allocated, so that a
 * truncated or corrupt response raises `ProtocolDecodeError` (retriable: the connection is reset)
 * rather than a `RangeError`, a huge allocation or a long loop.
 *
 * `bytes()`/`compactBytes()`/`raw()` return views (`subarray`) into the response buffer; strings
 * and UUIDs are copies, so that long-lived metadata does not pin a whole response in memory.
 *
 * @example
 * const r = new Reader(frame, 4);
 * const correlationId = r.int32();
 */
export class Reader {
  /** The bytes read from; never modified. */
  readonly buffer: Buffer;
  /** The next read position, in [start, end]. Writable so a decoder can rewind and retry. */
  offset: number;
  /** One past the last byte this reader may read. */
  readonly end: number;

  constructor(buffer: Buffer, offset = 0, end = buffer.length) {
    if (offset < 0 || end > buffer.length || offset > end) {
      throw new ProtocolDecodeError(`slice [${offset}, ${end}) is outside a buffer of ${buffer.length} bytes`);
    }
    this.buffer = buffer;
    this.offset = offset;
    this.end = end;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.end - this.offset;
  }

  int8(): number {
    this.need(1);
    return this.buffer.readInt8(this.offset++);
  }

  int16(): number {
    this.need(2);
    const v = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  uint32(): number {
    this.need(4);
    const v = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  int64(): bigint {
    this.need(8);
    const v = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  boolean(): boolean {
    this.need(1);
    return this.buffer[this.offset++] !== 0;
  }

  /** Unsigned varint (at most 5 bytes, value at most 2^32-1). */
  uvarint(): number {
    const buf = this.buffer;
    let result = 0;
    for (let i = 0; i < 4; i++) {
      if (this.offset >= this.end) throw this.truncated('a varint');
      const b = buf[this.offset++];
      result |= (b & 0x7f) << (7 * i);
      if (b < 0x80) return result;
    }
    if (this.offset >= this.end) throw this.truncated('a varint');
    const last = buf[this.offset++];
    // The fifth byte carries bits 28..31: anything above 0x0f is a longer (or oversized) varint.
    if (last > 0x0f) throw new ProtocolDecodeError(`varint longer than 5 bytes or above 2^32 at offset ${this.offset - 5}`);
    return result + last * 0x10000000;
  }

  /** Zigzag varint of an int32. */
  varint(): number {
    const u = this.uvarint();
    return (u >>> 1) ^ -(u & 1);
  }

  /** Zigzag varlong of an int64 (at most 10 bytes). */
  varlong(): bigint {
    const buf = this.buffer;
    const start = this.offset;
    // Up to 7 bytes (49 bits) accumulate exactly in a double; longer values switch to BigInt.
    let small = 0;
    let multiplier = 1;
    for (let i = 0; i < 7; i++) {
      if (this.offset >= this.end) throw this.truncated('a varlong');
      const b = buf[this.offset++];
      small += (b & 0x7f) * multiplier;
      if (b < 0x80) return BigInt(small % 2 === 0 ? small / 2 : -(small + 1) / 2);
      multiplier *= 0x80;
    }
    let big = BigInt(small);
    for (let i = 7; i < 10; i++) {
      if (this.offset >= this.end) throw this.truncated('a varlong');
      const b = buf[this.offset++];
      if (i === 9 && b > 0x01) throw new ProtocolDecodeError(`varlong longer than 10 bytes at offset ${start}`);
      big |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) return (big >> 1n) ^ -(big & 1n);
    }
    throw new ProtocolDecodeError(`varlong longer than 10 bytes at offset ${start}`);
  }

  /** STRING / NULLABLE_STRING (int16 length, -1 for null). */
  string(): string | null {
    const length = this.int16();
    if (length === -1) return null;
    return this.utf8(length);
  }

  /** A STRING the schema says is never null; null is a decode error. */
  nonNullString(): string {
    const length = this.int16();
    return this.utf8(length);
  }

  /** COMPACT_(NULLABLE_)STRING (uvarint length+1, 0 for null). */
  compactString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.utf8(n - 1);
  }

  /** A COMPACT_STRING the schema says is never null; null is a decode error. */
  nonNullCompactString(): string {
    const n = this.uvarint();
    return this.utf8(n - 1);
  }

  /** BYTES / NULLABLE_BYTES (int32 length, -1 for null); a view, not a copy. */
  bytes(): Buffer | null {
    const length = this.int32();
    if (length === -1) return null;
    return this.raw(length);
  }

  /** COMPACT_(NULLABLE_)BYTES (uvarint length+1, 0 for null); a view, not a copy. */
  compactBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.raw(n - 1);
  }

  /** The next `length` bytes, as a view. */
  raw(length: number): Buffer {
    if (length < 0) throw new ProtocolDecodeError(`negative length ${length} at offset ${this.offset}`);
    this.need(length);
    const v = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return v;
  }

  /** ARRAY count (int32); -1 for a null array. */
  arrayLength(): number {
    return this.checkCount(this.int32());
  }

  /** COMPACT_ARRAY count (uvarint count+1); -1 for a null array. */
  compactArrayLength(): number {
    return this.checkCount(this.uvarint() - 1);
  }

  /** UUID: 16 bytes, copied (topic ids outlive the response). */
  uuid(): Buffer {
    this.need(UUID_BYTES);
    const v = Buffer.from(this.buffer.subarray(this.offset, this.offset + UUID_BYTES));
    this.offset += UUID_BYTES;
    return v;
  }

  /** Skips a tagged-field section (flexible versions end every struct with one). */
  skipTaggedFields(): void {
    const count = this.taggedFieldCount();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.raw(this.uvarint());
    }
  }

  /**
   * Reads a tagged-field section, handing each field to `handler` with a reader bounded to that
   * field's bytes. The outer reader resumes after the field whatever the handler read, so unknown
   * tags can simply be ignored.
   */
  readTaggedFields(handler: (tag: number, r: Reader) => void): void {
    const count = this.taggedFieldCount();
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      const size = this.uvarint();
      this.need(size);
      const fieldEnd = this.offset + size;
      handler(tag, new Reader(this.buffer, this.offset, fieldEnd));
      this.offset = fieldEnd;
    }
  }

  private taggedFieldCount(): number {
    const count = this.uvarint();
    if (count * MIN_TAGGED_FIELD_BYTES > this.remaining) {
      throw new ProtocolDecodeError(`${count} tagged fields cannot fit in the ${this.remaining} bytes left`);
    }
    return count;
  }

  private utf8(length: number): string {
    if (length < 0) throw new ProtocolDecodeError(`null or negative length ${length} for a string at offset ${this.offset}`);
    this.need(length);
    const v = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return v;
  }

  /** Validates an element count: -1 (null) or a count that the bytes left can hold. */
  private checkCount(count: number): number {
    if (count === -1) return -1;
    // Every element of every array Kafka defines takes at least one byte.
    if (count < -1 || count > this.remaining) {
      throw new ProtocolDecodeError(`array count ${count} is invalid with ${this.remaining} bytes left at offset ${this.offset}`);
    }
    return count;
  }

  private need(n: number): void {
    if (n > this.end - this.offset) throw this.truncated(`${n} bytes`);
  }

  private truncated(what: string): ProtocolDecodeError {
    return new ProtocolDecodeError(`truncated: needed ${what} at offset ${this.offset}, ${this.end - this.offset} left`);
  }
}
