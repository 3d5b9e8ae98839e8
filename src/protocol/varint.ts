/**
 * Variable-length integers as Kafka writes them (protobuf-style base-128, little-endian groups):
 * unsigned varints for compact lengths and tagged fields, zigzag varints/varlongs inside records.
 *
 * These functions write into any Buffer at a given position and return the position after the
 * value, so that both the growable `Writer` and `RecordBatchBuilder` (which writes straight into
 * a batch's preallocated buffer) share one implementation. Callers guarantee room: at most
 * `MAX_VARINT_BYTES` / `MAX_VARLONG_BYTES` bytes.
 */

/** A 32-bit varint never takes more than 5 bytes. */
export const MAX_VARINT_BYTES = 5;
/** A 64-bit varlong never takes more than 10 bytes. */
export const MAX_VARLONG_BYTES = 10;

// Zigzag of a double stays exact while |v| <= 2^52 (the result is < 2^53); beyond that, BigInt.
const NUMBER_VARLONG_LIMIT = 2 ** 52;

/** Writes `v` (an integer in 0..2^32-1) as an unsigned varint; returns the next position. */
export function writeUnsignedVarint(buf: Buffer, pos: number, v: number): number {
  // `& 0x7f` and `>>> 7` work on the uint32 bit pattern, so values up to 2^32-1 are exact.
  while (v > 0x7f || v < 0) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v = v >>> 7;
  }
  buf[pos++] = v;
  return pos;
}

/** Zigzag-encodes an int32 into its uint32 representation. */
export function zigzag32(v: number): number {
  return ((v << 1) ^ (v >> 31)) >>> 0;
}

/** Writes an int32 as a zigzag varint; returns the next position. */
export function writeVarint(buf: Buffer, pos: number, v: number): number {
  return writeUnsignedVarint(buf, pos, zigzag32(v));
}

/**
 * Writes an int64 given as a number (an integer with |v| <= 2^52; larger magnitudes go through
 * BigInt) as a zigzag varlong; returns the next position. Record timestamp deltas take the int32
 * fast path, which does no floating-point division.
 */
export function writeVarlong(buf: Buffer, pos: number, v: number): number {
  if ((v | 0) === v) return writeUnsignedVarint(buf, pos, zigzag32(v));
  if (!(v <= NUMBER_VARLONG_LIMIT && v >= -NUMBER_VARLONG_LIMIT)) {
    if (!Number.isInteger(v)) throw new RangeError(`varlong value ${v} is not an integer`);
    return writeVarlongBigInt(buf, pos, BigInt(v));
  }
  if (!Number.isInteger(v)) throw new RangeError(`varlong value ${v} is not an integer`);
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  while (z > 0x7f) {
    buf[pos++] = (z % 0x80) | 0x80;
    z = Math.floor(z / 0x80);
  }
  buf[pos++] = z;
  return pos;
}

/** Writes an int64 given as a bigint as a zigzag varlong; returns the next position. */
export function writeVarlongBigInt(buf: Buffer, pos: number, v: bigint): number {
  if (BigInt.asIntN(64, v) !== v) throw new RangeError(`varlong value ${v} does not fit in 64 bits`);
  let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  while (z > 0x7fn) {
    buf[pos++] = Number(z & 0x7fn) | 0x80;
    z >>= 7n;
  }
  buf[pos++] = Number(z);
  return pos;
}

/** Encoded size in bytes of an unsigned varint (0..2^32-1). */
export function sizeOfUnsignedVarint(v: number): number {
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}

/** Encoded size in bytes of an int32 as a zigzag varint. */
export function sizeOfVarint(v: number): number {
  return sizeOfUnsignedVarint(zigzag32(v));
}

/** Encoded size in bytes of an integer number as a zigzag varlong. */
export function sizeOfVarlong(v: number): number {
  if ((v | 0) === v) return sizeOfUnsignedVarint(zigzag32(v));
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  let n = 1;
  while (z > 0x7f && n < MAX_VARLONG_BYTES) {
    z = Math.floor(z / 0x80);
    n++;
  }
  return n;
}
