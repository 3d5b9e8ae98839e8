/**
 * CRC-32C (Castagnoli), the checksum of RecordBatch v2. The table-driven implementation is
 * crc-32's `crc32c` module; it returns a signed int32, so the result is normalised with `>>> 0`.
 */

// crc-32 ships typings for its CRC-32 entry point only; the CRC-32C module has the same shape.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const CRC32C: { buf(data: Uint8Array, seed?: number): number } = require('crc-32/crc32c');

/**
 * The unsigned CRC-32C of `buf[start, end)`. A subarray view is checksummed, never a copy.
 *
 * @example
 * crc32c(Buffer.from('123456789')) // 0xe3069283
 */
export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
  return CRC32C.buf(view) >>> 0;
}
