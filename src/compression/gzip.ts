/**
 * gzip (codec 1): a standard gzip stream (RFC 1952), as Java's GZIPOutputStream writes it, through
 * node:zlib. Levels as Java's compression.gzip.level: 1 (fastest) … 9 (smallest), or -1 for
 * zlib's default (6).
 */
import { gunzipSync, gzip, gzipSync, type ZlibOptions } from 'node:zlib';
import { CODEC_IDS, type CompressionCodec } from './CompressionCodec';
import { GZIP_DEFAULT_LEVEL } from './levels';

/** A gzip codec at `level` (checked by the config; zlib throws on anything else). */
export function gzipCodec(level: number = GZIP_DEFAULT_LEVEL): CompressionCodec {
  const options: ZlibOptions = { level };
  return {
    name: 'gzip',
    id: CODEC_IDS.gzip,
    // ~0.7 ms for 64 KiB at the default level, 15 ms for 1 MiB (measureBlocking.ts).
    offLoopMinBytes: 64 * 1024,
    compressSync: (records) => gzipSync(records, options),
    compress: (records) =>
      new Promise((resolve, reject) => gzip(records, options, (err, out) => (err === null ? resolve(out) : reject(err)))),
    decompressSync: (data) => gunzipSync(data),
  };
}
