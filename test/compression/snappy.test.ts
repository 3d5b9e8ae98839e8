import { compressSync as rawCompress, uncompressSync as rawUncompress } from 'snappy';
import { snappyCodec } from '../../src/compression/snappy';
import { expectSameBytes, incompressible, jsonLines } from './referenceTools';

const codec = snappyCodec();

/** The chunks after the 16-byte header: each a big-endian length and that many bytes. */
function chunks(framed: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 16;
  while (pos < framed.length) {
    const length = framed.readInt32BE(pos);
    out.push(framed.subarray(pos + 4, pos + 4 + length));
    pos += 4 + length;
  }
  expect(pos).toBe(framed.length);
  return out;
}

describe('snappy codec (xerial SnappyOutputStream framing, as the Java producer writes it)', () => {
  it("starts with snappy-java's header: magic 82 'SNAPPY' 00, version 1, compatible version 1", () => {
    const framed = codec.compressSync(jsonLines(1000));
    expect(framed.subarray(0, 8)).toEqual(Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]));
    expect(framed.readInt32BE(8)).toBe(1);
    expect(framed.readInt32BE(12)).toBe(1);
  });

  it('cuts the input into 32 KiB blocks, each a length-prefixed raw snappy block', () => {
    const input = jsonLines(100 * 1024);
    const found = chunks(codec.compressSync(input));
    expect(found).toHaveLength(4);
    const decoded = found.map((c) => rawUncompress(c) as Buffer);
    expect(decoded.map((d) => d.length)).toEqual([32768, 32768, 32768, 4096]);
    expectSameBytes(Buffer.concat(decoded), input);
  });

  it.each([
    ['one byte', Buffer.from('x')],
    ['a 16 KiB batch', jsonLines(16 * 1024)],
    ['a 1 MiB batch', jsonLines(1024 * 1024)],
    ['incompressible bytes', incompressible(40 * 1024)],
  ])('%s round-trips', (_name, input) => {
    expectSameBytes(codec.decompressSync(codec.compressSync(input)), input);
  });

  it('compresses well enough to matter on JSON events', () => {
    const input = jsonLines(16 * 1024);
    expect(codec.compressSync(input).length).toBeLessThan(input.length / 2);
  });

  it('compress (thread pool) writes the same bytes as compressSync', async () => {
    const input = jsonLines(100 * 1024);
    expectSameBytes(await codec.compress(input), codec.compressSync(input));
  });

  it('also reads raw snappy without framing (what librdkafka producers write)', () => {
    const input = jsonLines(5000);
    expectSameBytes(codec.decompressSync(rawCompress(input)), input);
  });
});
