/**
 * The compression codecs of RecordBatch v2, one file each, behind one interface
 * (CompressionCodec.ts): gzip (node:zlib), snappy (xerial framing), lz4 (Kafka's LZ4 frame),
 * zstd. `createCodec` makes the producer's codec from its config; `codecById` serves the decoder.
 */
import { CODEC_IDS, type CodecName, type CompressionCodec, type CompressionType } from './CompressionCodec';
import { GZIP_DEFAULT_LEVEL, gzipCodec } from './gzip';
import { LZ4_DEFAULT_LEVEL, lz4Codec } from './lz4';
import { snappyCodec } from './snappy';
import { ZSTD_DEFAULT_LEVEL, zstdCodec } from './zstd';

export { CODEC_IDS, type CodecName, type CompressionCodec, type CompressionType } from './CompressionCodec';
export { GZIP_DEFAULT_LEVEL, GZIP_MAX_LEVEL, GZIP_MIN_LEVEL } from './gzip';
export { LZ4_DEFAULT_LEVEL, LZ4_MAX_LEVEL, LZ4_MIN_LEVEL } from './lz4';
export { ZSTD_DEFAULT_LEVEL, ZSTD_MAX_LEVEL, ZSTD_MIN_LEVEL, zstdReady } from './zstd';

/** Every compression.type, 'none' first. */
export const COMPRESSION_TYPES: readonly CompressionType[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Levels per codec, as the config holds them (Java's compression.<codec>.level). */
export interface CompressionLevels {
  gzip: number;
  lz4: number;
  zstd: number;
}

/**
 * The codec for `type` at its level, or null for 'none'.
 *
 * @example
 * const codec = createCodec('zstd', { gzip: -1, lz4: 9, zstd: 3 });
 * const framed = codec!.compressSync(records);
 */
export function createCodec(type: CompressionType, levels: CompressionLevels): CompressionCodec | null {
  switch (type) {
    case 'none':
      return null;
    case 'gzip':
      return gzipCodec(levels.gzip);
    case 'snappy':
      return snappyCodec();
    case 'lz4':
      return lz4Codec(levels.lz4);
    case 'zstd':
      return zstdCodec(levels.zstd);
    default:
      throw new TypeError(`unknown compression type '${String(type)}': use one of ${COMPRESSION_TYPES.join(', ')}`);
  }
}

/** Decoding codecs by attribute id (levels do not matter to a decompressor); created on first use. */
const byId = new Map<number, CompressionCodec>();

/** The codec whose attribute id is `id`, for decompressing; undefined for 0 (none) or an unknown id. */
export function codecById(id: number): CompressionCodec | undefined {
  let codec = byId.get(id);
  if (codec === undefined) {
    const name = (Object.keys(CODEC_IDS) as CompressionType[]).find((t) => CODEC_IDS[t] === id && t !== 'none') as CodecName | undefined;
    if (name === undefined) return undefined;
    codec = createCodec(name, { gzip: GZIP_DEFAULT_LEVEL, lz4: LZ4_DEFAULT_LEVEL, zstd: ZSTD_DEFAULT_LEVEL })!;
    byId.set(id, codec);
  }
  return codec;
}
