import { CODEC_IDS, codecById, COMPRESSION_TYPES, createCodec } from '../../src/compression';
import { expectSameBytes } from './referenceTools';

const levels = { gzip: -1, lz4: 9, zstd: 3 };

describe('compression registry', () => {
  it("uses Kafka's attribute ids: none 0, gzip 1, snappy 2, lz4 3, zstd 4", () => {
    expect(CODEC_IDS).toEqual({ none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 });
    for (const type of COMPRESSION_TYPES.slice(1)) {
      const codec = createCodec(type, levels)!;
      expect(codec.name).toBe(type);
      expect(codec.id).toBe(CODEC_IDS[type]);
      expect(codecById(codec.id)!.name).toBe(type);
    }
  });

  it("'none' has no codec; unknown ids and names are refused", () => {
    expect(createCodec('none', levels)).toBeNull();
    expect(codecById(0)).toBeUndefined();
    expect(codecById(5)).toBeUndefined();
    expect(() => createCodec('brotli' as never, levels)).toThrow(/unknown compression type 'brotli'/);
  });

  it('decoding codecs read what any level wrote', () => {
    const input = Buffer.from('abc'.repeat(1000));
    for (const type of ['gzip', 'lz4', 'zstd'] as const) {
      const out = createCodec(type, { gzip: 1, lz4: 1, zstd: 19 })!.compressSync(input);
      expectSameBytes(codecById(CODEC_IDS[type])!.decompressSync(out), input);
    }
  });
});
