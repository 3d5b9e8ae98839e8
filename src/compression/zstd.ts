/**
 * zstd (codec 4): one standard Zstandard frame (RFC 8878), as Java's zstd-jni stream writes it,
 * through @bokuweb/zstd-wasm (the reference libzstd compiled to WebAssembly, shipped inside the
 * npm package: nothing is built or downloaded at install, and it runs on every platform). Levels
 * as Java's compression.zstd.level: -131072 (fastest) … 22 (smallest), default 3. Brokers take
 * zstd batches only in Produce v7 or later.
 *
 * Why WebAssembly: the native bindings we tried either download at install, or ignore the level,
 * or publish binaries for linux-x64 only (so `npm ci` fails on a lock file made there). The cost:
 * several times slower than native libzstd, and synchronous on the thread that calls it
 * (measureBlocking.ts: a 16 KiB batch at level 3 takes ~0.2 ms; 1 MiB ~22 ms at level 3 and
 * ~190 ms at 9). So `compress` — every batch the producer compresses (`offLoopMinBytes` 0) — runs
 * on zstd's own worker threads (ZstdWorkers.ts); handing a batch over costs a copy of its records
 * and two messages, less than compressing even 16 KiB.
 *
 * `compressSync` and `decompressSync` stay on the calling thread, for what must be synchronous:
 * a batch split after MESSAGE_TOO_LARGE sealed by the sender, the decoder, tests. They need this
 * thread's WebAssembly module, which compiles asynchronously, once per process: making a codec
 * starts it (`zstdReady` resolves when it is done).
 */
import { compress, decompress, init } from '@bokuweb/zstd-wasm';
import { CODEC_IDS, type CompressionCodec } from './CompressionCodec';
import { ZSTD_DEFAULT_LEVEL } from './levels';
import { zstdWorkers } from './ZstdWorkers';

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

/**
 * A zstd codec at `level` (checked by the config). Creating one starts loading this thread's
 * module; the worker threads start with the first `compress`.
 */
export function zstdCodec(level: number = ZSTD_DEFAULT_LEVEL): CompressionCodec {
  void zstdReady();
  return {
    name: 'zstd',
    id: CODEC_IDS.zstd,
    // Every size goes to the workers (see above).
    offLoopMinBytes: 0,
    compressSync: (records) => whenLoaded(() => asBuffer(compress(records, level))),
    compress: (records) => zstdWorkers.compress(records, level).then(toCompressed),
    decompressSync: (data) => whenLoaded(() => asBuffer(decompress(data))),
    retain: () => zstdWorkers.retain(),
  };
}

const toCompressed = (result: { compressed: Buffer }): Buffer => result.compressed;
