/**
 * zstd (codec 4): one standard Zstandard frame (RFC 8878), as Java's zstd-jni stream writes it,
 * through @toondepauw/node-zstd (napi-rs binding of the reference libzstd). Levels as Java's
 * compression.zstd.level: -131072 (fastest) … 22 (smallest), default 3; 0 is libzstd's default
 * (3). Brokers take zstd batches only in Produce v7 or later.
 */
import { Decoder, Encoder } from '@toondepauw/node-zstd';
import { CODEC_IDS, type CompressionCodec } from './CompressionCodec';

export const ZSTD_MIN_LEVEL = -131072;
export const ZSTD_MAX_LEVEL = 22;
export const ZSTD_DEFAULT_LEVEL = 3;

/** From this level up, every batch is compressed on the thread pool. */
const ZSTD_SLOW_LEVEL = 10;

/** The first 4 bytes of every zstd frame (magic number 0xFD2FB528, little-endian). */
export const ZSTD_FRAME_MAGIC = 0xfd2fb528;

/** Decoders keep no state between calls: one for the process. */
let decoder: Decoder | null = null;

/** A zstd codec at `level` (checked by the config). */
export function zstdCodec(level: number = ZSTD_DEFAULT_LEVEL): CompressionCodec {
  // One encoder per codec (per producer): its compression context is reused by every batch.
  const encoder = new Encoder(level);
  return {
    name: 'zstd',
    id: CODEC_IDS.zstd,
    // Levels from 10 up spend milliseconds per batch on setup alone (62 ms for 16 KiB at 19); the
    // others ~0.5 ms for 128 KiB, 4 ms for 1 MiB at level 3 (measureBlocking.ts).
    offLoopMinBytes: level >= ZSTD_SLOW_LEVEL ? 0 : 128 * 1024,
    compressSync: (records) => encoder.encodeSync(records),
    compress: (records) => encoder.encode(records),
    decompressSync: (data) => (decoder ??= new Decoder()).decodeSync(data),
  };
}
