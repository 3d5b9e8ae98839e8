/**
 * zstd (codec 4): one standard Zstandard frame (RFC 8878), as Java's zstd-jni stream writes it,
 * through @bokuweb/zstd-wasm (the reference libzstd compiled to WebAssembly, shipped inside the
 * npm package: nothing is built or downloaded at install, and it runs on every platform). Levels
 * as Java's compression.zstd.level: -131072 (fastest) … 22 (smallest), default 3. Brokers take
 * zstd batches only in Produce v7 or later.
 *
 * Why WebAssembly: the native bindings we tried either download at install, or ignore the level,
 * or publish binaries for linux-x64 only (so `npm ci` fails on a lock file made there). The cost:
 * several times slower than native libzstd, and it runs on the event loop (measureBlocking.ts: a
 * 16 KiB batch at level 3 takes ~0.2 ms; 1 MiB ~22 ms at level 3 and ~190 ms at 9) — keep batches
 * moderate or use lz4/snappy when the loop must stay responsive.
 *
 * The WebAssembly module compiles asynchronously, once per process: every zstd batch goes through
 * `compress` (the BatchCompressor's async path, `offLoopMinBytes` 0), which waits for it.
 */
import { compress, decompress, init } from '@bokuweb/zstd-wasm';
import { CODEC_IDS, type CompressionCodec } from './CompressionCodec';

export const ZSTD_MIN_LEVEL = -131072;
export const ZSTD_MAX_LEVEL = 22;
export const ZSTD_DEFAULT_LEVEL = 3;

/** The first 4 bytes of every zstd frame (magic number 0xFD2FB528, little-endian). */
export const ZSTD_FRAME_MAGIC = 0xfd2fb528;

let loading: Promise<void> | null = null;
let loaded = false;

/** Resolves once zstd can be used synchronously (the WebAssembly module is compiled); idempotent. */
export function zstdReady(): Promise<void> {
  loading ??= init().then(() => {
    loaded = true;
  });
  return loading;
}

function whenLoaded<T>(fn: () => T): T {
  if (!loaded) throw new Error('zstd (WebAssembly) is still loading: await zstdReady() before compressing or decompressing synchronously');
  return fn();
}

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A zstd codec at `level` (checked by the config). Creating one starts loading the module. */
export function zstdCodec(level: number = ZSTD_DEFAULT_LEVEL): CompressionCodec {
  void zstdReady();
  return {
    name: 'zstd',
    id: CODEC_IDS.zstd,
    // Always the async path: it is where the module's loading is waited for (see above).
    offLoopMinBytes: 0,
    compressSync: (records) => whenLoaded(() => asBuffer(compress(records, level))),
    compress: async (records) => {
      await zstdReady();
      return asBuffer(compress(records, level));
    },
    decompressSync: (data) => whenLoaded(() => asBuffer(decompress(data))),
  };
}
