/**
 * The codecs' level ranges and defaults (Java's compression.<codec>.level), apart from the codec
 * files so that the config can check levels without loading a codec: lz4 and snappy are native
 * addons and zstd a WebAssembly module, each loaded only when a producer uses it (index.ts).
 */

/** gzip: 1 (fastest) … 9 (smallest). */
export const GZIP_MIN_LEVEL = 1;
export const GZIP_MAX_LEVEL = 9;
/** zlib's Z_DEFAULT_COMPRESSION (Java's Deflater.DEFAULT_COMPRESSION), which zlib runs as level 6. */
export const GZIP_DEFAULT_LEVEL = -1;

/** lz4: Java's range; rxkafka's lz4 compresses every level as Java's default (lz4.ts). */
export const LZ4_MIN_LEVEL = 1;
export const LZ4_MAX_LEVEL = 17;
export const LZ4_DEFAULT_LEVEL = 9;

/** zstd: -131072 (fastest) … 22 (smallest). */
export const ZSTD_MIN_LEVEL = -131072;
export const ZSTD_MAX_LEVEL = 22;
export const ZSTD_DEFAULT_LEVEL = 3;
