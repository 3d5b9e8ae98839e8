import { lz4Codec } from '../../src/compression/lz4';
import { xxhash32 } from '../../src/compression/xxhash32';
import { expectSameBytes, incompressible, jsonLines, runTool } from './referenceTools';

const codec = lz4Codec();

/** Walks the blocks of a frame with no checksums: [size word, data length] per block, end mark excluded. */
function blocks(frame: Buffer): Array<{ stored: boolean; bytes: number }> {
  const out: Array<{ stored: boolean; bytes: number }> = [];
  let pos = 7;
  for (let word = frame.readUInt32LE(pos); word !== 0; word = frame.readUInt32LE(pos)) {
    const bytes = word & 0x7fffffff;
    out.push({ stored: (word & 0x80000000) !== 0, bytes });
    pos += 4 + bytes;
  }
  expect(pos + 4).toBe(frame.length); // the end mark is the last thing: no content checksum
  return out;
}

describe('lz4 codec (Kafka Lz4BlockOutputStream framing)', () => {
  it('writes the frame header Kafka writes for magic 2: magic, FLG 0x60, BD 0x40, correct header checksum', () => {
    const frame = codec.compressSync(jsonLines(1000));
    expect(frame.readUInt32LE(0)).toBe(0x184d2204);
    // FLG: version 01, block independence 1, block checksum 0, content size 0, content checksum 0, reserved 00.
    expect(frame[4]).toBe(0b0110_0000);
    // BD: block maximum size 64 KiB (code 4).
    expect(frame[5]).toBe(4 << 4);
    // HC: second byte of XXH32 over FLG and BD only (not the magic: that was Kafka 0.8's broken variant).
    expect(frame[6]).toBe((xxhash32(Buffer.from([0x60, 0x40])) >>> 8) & 0xff);
    expect(frame.subarray(0, 7).toString('hex')).toBe('04224d18604082');
  });

  it.each([
    ['one byte', Buffer.from('x')],
    ['a 16 KiB batch', jsonLines(16 * 1024)],
    ['exactly one 64 KiB block', jsonLines(64 * 1024)],
    ['a 1 MiB batch (17 blocks)', jsonLines(1024 * 1024 + 1)],
  ])('%s: the reference lz4 tool decodes it to the input', (_name, input) => {
    const frame = codec.compressSync(input);
    expect(frame.length).toBeLessThan(input.length + 16);
    expectSameBytes(runTool('lz4', ['-d', '-c'], frame), input);
    expectSameBytes(codec.decompressSync(frame), input);
  });

  it('cuts the input into blocks of at most 64 KiB', () => {
    const input = jsonLines(200 * 1024);
    const found = blocks(codec.compressSync(input));
    expect(found).toHaveLength(4);
    expect(found.every((b) => !b.stored)).toBe(true);
  });

  it('stores incompressible blocks uncompressed, marked by the high bit of the size', () => {
    const input = incompressible(70 * 1024);
    const frame = codec.compressSync(input);
    expect(blocks(frame)).toEqual([
      { stored: true, bytes: 64 * 1024 },
      { stored: true, bytes: 6 * 1024 },
    ]);
    expectSameBytes(runTool('lz4', ['-d', '-c'], frame), input);
  });

  it('compress (thread pool) writes the same bytes as compressSync', async () => {
    const input = jsonLines(150 * 1024);
    expectSameBytes(await codec.compress(input), codec.compressSync(input));
  });

  it('decompresses frames the reference tool writes, checksums and content size included', () => {
    const input = jsonLines(100 * 1024);
    for (const flags of [['-BD'], ['-BX', '-B4'], ['--content-size', '-B5'], ['-9']]) {
      expectSameBytes(codec.decompressSync(runTool('lz4', ['-c', '-q', ...flags], input)), input);
    }
  });

  it('rejects a frame whose header checksum is wrong', () => {
    const frame = Buffer.from(codec.compressSync(jsonLines(100)));
    frame[6] ^= 0xff;
    expect(() => codec.decompressSync(frame)).toThrow(/header checksum/);
    expect(() => runTool('lz4', ['-d', '-c'], frame)).toThrow();
  });
});
