/**
 * CRC-32C (Castagnoli), the checksum of RecordBatch v2.
 *
 * Two implementations, measured on this project's machines (CRC of one buffer, MB/s):
 *
 * | bytes  | @node-rs/crc32 (native, SSE4.2/ARMv8 CRC instructions) | crc-32 (table-driven JS) |
 * |--------|------|------|
 * | 100    | 457  | 761  |
 * | 1000   | 1960 | 1494 |
 * | 16384  | 5554 | 1524 |
 *
 * A record batch is usually kilobytes, where the native one is 3-4 times faster; below
 * NATIVE_MIN_BYTES the call into native code costs more than it saves. @node-rs/crc32 ships
 * prebuilt binaries as optional per-platform packages: where none fits (or it fails to load),
 * crc-32 does all of it. Both are checked against the same vectors (test/protocol/crc32c.test.ts).
 */

// crc-32 ships typings for its CRC-32 entry point only; the CRC-32C module has the same shape.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const JS: { buf(data: Uint8Array, seed?: number): number } = require('crc-32/crc32c');

/** The native implementation, or null where its binary is not available. */
export const nativeCrc32c: ((data: Uint8Array) => number) | null = loadNative();

function loadNative(): ((data: Uint8Array) => number) | null {
  if (process.env.RXKAFKA_CRC32C === 'js') return null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { crc32c } = require('@node-rs/crc32') as { crc32c(data: Uint8Array, initial?: number): number };
    // Check it once against the standard check value before trusting it.
    return (crc32c(Buffer.from('123456789')) >>> 0) === 0xe3069283 ? crc32c : null;
  } catch {
    return null;
  }
}

const NATIVE_MIN_BYTES = 512;

/** CRC-32C by crc-32 alone (exported for tests that compare both). */
export function jsCrc32c(buf: Uint8Array): number {
  return JS.buf(buf) >>> 0;
}

/**
 * The unsigned CRC-32C of `buf[start, end)`. A subarray view is checksummed, never a copy.
 *
 * @example
 * crc32c(Buffer.from('123456789')) // 0xe3069283
 */
export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
  if (nativeCrc32c !== null && view.length >= NATIVE_MIN_BYTES) return nativeCrc32c(view) >>> 0;
  return JS.buf(view) >>> 0;
}
