import { zstdCodec } from '../../src/compression/zstd';
import { expectSameBytes, incompressible, jsonLines, runTool } from './referenceTools';

describe('zstd codec (one standard Zstandard frame, RFC 8878)', () => {
  it('starts with the zstd frame magic 0xFD2FB528 (little-endian)', () => {
    const out = zstdCodec().compressSync(jsonLines(1000));
    expect(out.subarray(0, 4).toString('hex')).toBe('28b52ffd');
  });

  it.each([-131072, -5, 1, 3, 19, 22])('level %d: the zstd tool decodes it to the input', (level) => {
    const input = jsonLines(100 * 1024);
    expectSameBytes(runTool('zstd', ['-d', '-c', '-q'], zstdCodec(level).compressSync(input)), input);
  });

  it('higher levels compress better', () => {
    const input = jsonLines(512 * 1024);
    expect(zstdCodec(19).compressSync(input).length).toBeLessThan(zstdCodec(-5).compressSync(input).length);
  });

  it('reads frames the zstd tool writes, and round-trips incompressible bytes', () => {
    const input = jsonLines(50000);
    expectSameBytes(zstdCodec().decompressSync(runTool('zstd', ['-c', '-q', '--check'], input)), input);
    const random = incompressible(30000);
    expectSameBytes(zstdCodec().decompressSync(zstdCodec().compressSync(random)), random);
  });

  it('compress (on a worker thread) writes the same bytes as compressSync', async () => {
    const codec = zstdCodec(3);
    const input = jsonLines(300 * 1024);
    expectSameBytes(await codec.compress(input), codec.compressSync(input));
  });
});
