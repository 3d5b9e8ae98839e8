/**
 * snappy (codec 2) in the framing of the Java producer, whose SnappyCompression writes through
 * xerial snappy-java's SnappyOutputStream:
 *
 *   header  => magic:8 bytes 82 'S' 'N' 'A' 'P' 'P' 'Y' 00, version:INT32 = 1, compatible_version:INT32 = 1
 *   chunk*  => compressed_length:INT32 (big-endian) snappy_raw_block:compressed_length bytes
 *
 * Each chunk is one raw snappy block of at most 32 KiB of input (SnappyOutputStream's default
 * block size). librdkafka reads this framing too (and also raw snappy, which it writes itself);
 * Java's SnappyInputStream reads raw snappy only through a fallback, so the framing is what Java
 * readers expect. The raw blocks come from `snappy` (napi-rs, Google's algorithm in Rust).
 */
import { compress as snappyCompress, compressSync, uncompressSync } from 'snappy';
import { ProtocolDecodeError } from '../errors';
import { CODEC_IDS, type CompressionCodec } from './CompressionCodec';

/** The 16-byte stream header: magic, version 1, compatible version 1. */
export const XERIAL_HEADER = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
/** Bytes of input per chunk (snappy-java's SnappyOutputStream.DEFAULT_BLOCK_SIZE). */
export const XERIAL_BLOCK_BYTES = 32 * 1024;

/** The header followed by one length-prefixed chunk per compressed block. */
function frame(blocks: Buffer[]): Buffer {
  let size = XERIAL_HEADER.length;
  for (let i = 0; i < blocks.length; i++) size += 4 + blocks[i].length;
  const out = Buffer.allocUnsafe(size);
  let pos = XERIAL_HEADER.copy(out, 0);
  for (let i = 0; i < blocks.length; i++) {
    pos = out.writeInt32BE(blocks[i].length, pos);
    pos += blocks[i].copy(out, pos);
  }
  return out;
}

function compressFramedSync(records: Buffer): Buffer {
  const blocks: Buffer[] = [];
  for (let p = 0; p < records.length; p += XERIAL_BLOCK_BYTES) {
    blocks.push(compressSync(records.subarray(p, Math.min(p + XERIAL_BLOCK_BYTES, records.length))));
  }
  return frame(blocks);
}

async function compressFramed(records: Buffer): Promise<Buffer> {
  const pending: Array<Promise<Buffer>> = [];
  for (let p = 0; p < records.length; p += XERIAL_BLOCK_BYTES) {
    pending.push(snappyCompress(records.subarray(p, Math.min(p + XERIAL_BLOCK_BYTES, records.length))));
  }
  return frame(await Promise.all(pending));
}

/** Reads the xerial framing; raw snappy (no magic), as librdkafka writes it, is read too. */
function decompressFramed(data: Buffer): Buffer {
  if (data.length < XERIAL_HEADER.length || !data.subarray(0, 8).equals(XERIAL_HEADER.subarray(0, 8))) {
    return uncompressSync(data) as Buffer;
  }
  const parts: Buffer[] = [];
  let pos = XERIAL_HEADER.length;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new ProtocolDecodeError(`snappy: truncated chunk length at byte ${pos}`);
    const length = data.readInt32BE(pos);
    pos += 4;
    if (length < 0 || pos + length > data.length) throw new ProtocolDecodeError(`snappy: chunk of ${length} bytes at byte ${pos - 4} overruns the data`);
    parts.push(uncompressSync(data.subarray(pos, pos + length)) as Buffer);
    pos += length;
  }
  return Buffer.concat(parts);
}

/** The snappy codec (snappy has no levels). */
export function snappyCodec(): CompressionCodec {
  return {
    name: 'snappy',
    id: CODEC_IDS.snappy,
    // ~2 ms for 256 KiB, 8 ms for 1 MiB (measureBlocking.ts).
    offLoopMinBytes: 256 * 1024,
    compressSync: compressFramedSync,
    compress: compressFramed,
    decompressSync: decompressFramed,
  };
}
