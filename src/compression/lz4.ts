/**
 * lz4 (codec 3): an LZ4 frame (lz4 frame format 1.5.1) as Kafka's Lz4BlockOutputStream writes it
 * for magic 1 and 2 batches:
 *
 *   magic:UINT32LE 0x184D2204
 *   FLG:1 byte 0x60  version 01, blocks independent, no block checksum, no content size, no content checksum
 *   BD:1 byte 0x40   block maximum size 64 KiB (code 4)
 *   HC:1 byte        (XXH32(FLG, BD; seed 0) >> 8) & 0xFF — the correct checksum (Kafka's magic-0
 *                    "broken" variant, which hashed the magic too, is not written for v2 batches)
 *   block*           size:UINT32LE (high bit set: the block is stored uncompressed) data:size bytes,
 *                    each block holding at most 64 KiB of input
 *   end mark         UINT32LE 0 (no content checksum follows)
 *
 * A block is stored uncompressed when compressing does not make it smaller, as Kafka does.
 * The raw LZ4 blocks come from lz4-napi (lz4_flex, LZ4's fast algorithm in Rust).
 *
 * Levels: Java accepts compression.lz4.level 1–17 (default 9) and uses LZ4's fast compressor at
 * the default, its HC compressor at any other level. lz4_flex has the fast algorithm only, so
 * every level compresses as Java's default does (the config warns about it).
 */
import { compress as lz4Compress, compressSync, uncompressSync } from 'lz4-napi';
import { ProtocolDecodeError } from '../errors';
import { CODEC_IDS, type CompressionCodec } from './CompressionCodec';
import { LZ4_DEFAULT_LEVEL } from './levels';
import { xxhash32 } from './xxhash32';

export const LZ4_FRAME_MAGIC = 0x184d2204;
/** FLG: version 1 (bits 6–7 = 01), block independence (bit 5); no checksums, no content size. */
export const LZ4_FLG = 0x60;
/** BD: block maximum size code 4 (64 KiB) in bits 4–6. */
export const LZ4_BD = 0x40;
export const LZ4_BLOCK_BYTES = 64 * 1024;
/** The high bit of a block size: the block's bytes are stored, not compressed. */
const UNCOMPRESSED_BLOCK = 0x80000000;

/** magic, FLG, BD, HC: the same 7 bytes for every frame we write. */
const FRAME_HEADER = ((): Buffer => {
  const h = Buffer.alloc(7);
  h.writeUInt32LE(LZ4_FRAME_MAGIC, 0);
  h[4] = LZ4_FLG;
  h[5] = LZ4_BD;
  h[6] = (xxhash32(h, 0, 4, 6) >>> 8) & 0xff;
  return h;
})();

/**
 * lz4-napi's block output starts with the input's length (UINT32LE, lz4_flex's
 * compress_prepend_size); the raw LZ4 block follows it.
 */
const SIZE_PREFIX_BYTES = 4;

/** The frame around already compressed blocks (each with the input it came from). */
function frame(inputs: Buffer[], compressed: Buffer[]): Buffer {
  let size = FRAME_HEADER.length + 4;
  const stored: boolean[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const raw = compressed[i].length - SIZE_PREFIX_BYTES;
    stored.push(raw >= inputs[i].length);
    size += 4 + (stored[i] ? inputs[i].length : raw);
  }
  const out = Buffer.allocUnsafe(size);
  let pos = FRAME_HEADER.copy(out, 0);
  for (let i = 0; i < inputs.length; i++) {
    if (stored[i]) {
      pos = out.writeUInt32LE((inputs[i].length | UNCOMPRESSED_BLOCK) >>> 0, pos);
      pos += inputs[i].copy(out, pos);
    } else {
      pos = out.writeUInt32LE(compressed[i].length - SIZE_PREFIX_BYTES, pos);
      pos += compressed[i].copy(out, pos, SIZE_PREFIX_BYTES);
    }
  }
  out.writeUInt32LE(0, pos); // end mark
  return out;
}

function blocksOf(records: Buffer): Buffer[] {
  const inputs: Buffer[] = [];
  for (let p = 0; p < records.length; p += LZ4_BLOCK_BYTES) inputs.push(records.subarray(p, Math.min(p + LZ4_BLOCK_BYTES, records.length)));
  return inputs;
}

function compressFrameSync(records: Buffer): Buffer {
  const inputs = blocksOf(records);
  return frame(inputs, inputs.map((b) => compressSync(b)));
}

async function compressFrame(records: Buffer): Promise<Buffer> {
  const inputs = blocksOf(records);
  return frame(inputs, await Promise.all(inputs.map((b) => lz4Compress(b))));
}

/** Reads an LZ4 frame with independent blocks (as Kafka and librdkafka write them). */
function decompressFrame(data: Buffer): Buffer {
  if (data.length < 7 || data.readUInt32LE(0) !== LZ4_FRAME_MAGIC) throw new ProtocolDecodeError('lz4: not an LZ4 frame (magic)');
  const flg = data[4];
  if ((flg & 0xc0) !== 0x40) throw new ProtocolDecodeError(`lz4: frame version ${(flg >> 6) & 3} is not 1`);
  const blockChecksum = (flg & 0x10) !== 0;
  const blockMaxBytes = 1 << (2 * ((data[5] >> 4) & 7) + 8);
  const contentSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  const descriptorEnd = 6 + (contentSize ? 8 : 0);
  if (data.length < descriptorEnd + 1) throw new ProtocolDecodeError('lz4: truncated frame descriptor');
  const hc = (xxhash32(data, 0, 4, descriptorEnd) >>> 8) & 0xff;
  if (data[descriptorEnd] !== hc) throw new ProtocolDecodeError(`lz4: header checksum ${data[descriptorEnd]} is not ${hc}`);
  const parts: Buffer[] = [];
  let pos = descriptorEnd + 1;
  for (;;) {
    if (pos + 4 > data.length) throw new ProtocolDecodeError('lz4: frame ends without an end mark');
    const word = data.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    if (pos + size > data.length) throw new ProtocolDecodeError(`lz4: block of ${size} bytes overruns the frame`);
    const block = data.subarray(pos, pos + size);
    if ((word & UNCOMPRESSED_BLOCK) !== 0) {
      parts.push(Buffer.from(block));
    } else {
      // lz4-napi decompresses its size-prefixed form: give it the prefix (the block maximum bounds it).
      const prefixed = Buffer.allocUnsafe(SIZE_PREFIX_BYTES + size);
      prefixed.writeUInt32LE(blockMaxBytes, 0);
      block.copy(prefixed, SIZE_PREFIX_BYTES);
      parts.push(uncompressSync(prefixed));
    }
    pos += size + (blockChecksum ? 4 : 0);
  }
  if (contentChecksum) pos += 4;
  if (pos !== data.length) throw new ProtocolDecodeError(`lz4: ${data.length - pos} bytes after the frame`);
  return Buffer.concat(parts);
}

/**
 * The lz4 codec. `level` is accepted in Java's range for compatibility; it does not change the
 * output (see the file comment).
 */
export function lz4Codec(_level: number = LZ4_DEFAULT_LEVEL): CompressionCodec {
  return {
    name: 'lz4',
    id: CODEC_IDS.lz4,
    // ~0.5 ms for 256 KiB, 2 ms for 1 MiB (measureBlocking.ts).
    offLoopMinBytes: 256 * 1024,
    compressSync: compressFrameSync,
    compress: compressFrame,
    decompressSync: decompressFrame,
  };
}
