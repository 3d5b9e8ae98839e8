import { gzipCodec } from '../../src/compression/gzip';
import { expectSameBytes, incompressible, jsonLines, runTool } from './referenceTools';

describe('gzip codec (a standard gzip stream, RFC 1952)', () => {
  it('writes a gzip member header: ID1 1f, ID2 8b, CM 8 (deflate)', () => {
    const out = gzipCodec().compressSync(jsonLines(1000));
    expect(out.subarray(0, 3).toString('hex')).toBe('1f8b08');
  });

  it.each([
    ['default level (-1)', -1],
    ['level 1', 1],
    ['level 9', 9],
  ])('%s: the gzip tool decodes it to the input, its trailer CRC-32 and length checked', (_name, level) => {
    const input = jsonLines(64 * 1024);
    const out = gzipCodec(level).compressSync(input);
    expectSameBytes(runTool('gzip', ['-d', '-c'], out), input);
    expect(out.readUInt32LE(out.length - 4)).toBe(input.length); // ISIZE
  });

  it('level 9 compresses better than level 1', () => {
    const input = jsonLines(256 * 1024);
    expect(gzipCodec(9).compressSync(input).length).toBeLessThan(gzipCodec(1).compressSync(input).length);
  });

  it('compress (thread pool) writes the same bytes as compressSync and round-trips incompressible data', async () => {
    const codec = gzipCodec(6);
    const input = incompressible(20000);
    const out = await codec.compress(input);
    expectSameBytes(out, codec.compressSync(input));
    expectSameBytes(codec.decompressSync(out), input);
  });
});
