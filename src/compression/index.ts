/**
 * The compression codecs of RecordBatch v2, one file each, behind one interface
 * (CompressionCodec.ts): gzip (node:zlib), snappy (xerial framing), lz4 (Kafka's LZ4 frame),
 * zstd. `createCodec` makes the producer's codec from its config; `codecById` serves the decoder.
 *
 * Each codec's file is required the first time that codec is made, not when this module loads:
 * lz4 and snappy are native addons (~4 and ~3 MB of RSS) and zstd a WebAssembly module, none of
 * which a producer without compression should pay for. A codec that does not load fails
 * createCodec — so createProducer, through the config — with a CodecUnavailableError.
 */
import { CodecUnavailableError } from '../errors';
import { CODEC_IDS, type CodecName, type CompressionCodec, type CompressionType } from './CompressionCodec';
import { GZIP_DEFAULT_LEVEL, LZ4_DEFAULT_LEVEL, ZSTD_DEFAULT_LEVEL } from './levels';

export { CODEC_IDS, type CodecName, type CompressionCodec, type CompressionType } from './CompressionCodec';
export * from './levels';

/** Every compression.type, 'none' first. */
export const COMPRESSION_TYPES: readonly CompressionType[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Levels per codec, as the config holds them (Java's compression.<codec>.level). */
export interface CompressionLevels {
  gzip: number;
  lz4: number;
  zstd: number;
}

/**
 * Requires a codec's file, whose imports load the codec's package; a package that does not load
 * (not installed, no binary for this platform, a broken build) becomes a typed error naming the
 * codec. `require` is cached by Node, so this costs a map lookup after the first call.
 */
function load<T>(codec: CodecName, modulePackage: string, requireIt: () => T): T {
  try {
    return requireIt();
  } catch (err) {
    throw new CodecUnavailableError(codec, modulePackage, err);
  }
}

const gzipFile = (): typeof import('./gzip') => load('gzip', 'node:zlib', () => require('./gzip'));
const snappyFile = (): typeof import('./snappy') => load('snappy', 'snappy', () => require('./snappy'));
const lz4File = (): typeof import('./lz4') => load('lz4', 'lz4-napi', () => require('./lz4'));
const zstdFile = (): typeof import('./zstd') => load('zstd', '@bokuweb/zstd-wasm', () => require('./zstd'));

/**
 * Resolves once zstd can be used synchronously on this thread (its WebAssembly module compiled);
 * loads zstd's file if nothing has yet. Tests and tools that call `compressSync` await it.
 */
export function zstdReady(): Promise<void> {
  return zstdFile().zstdReady();
}

/**
 * The codec for `type` at its level, or null for 'none'. Loads the codec's package the first time;
 * throws CodecUnavailableError if it does not load.
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
      return gzipFile().gzipCodec(levels.gzip);
    case 'snappy':
      return snappyFile().snappyCodec();
    case 'lz4':
      return lz4File().lz4Codec(levels.lz4);
    case 'zstd':
      return zstdFile().zstdCodec(levels.zstd);
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
