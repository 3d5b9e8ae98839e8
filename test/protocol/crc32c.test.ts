import { crc32c, jsCrc32c, nativeCrc32c } from '../../src/protocol/crc32c';
import { seededRandom } from '../support/random';

describe('crc32c', () => {
  // VECTORS.md: Kafka's Crc32CTest and the standard CRC-32C check value.
  it.each([
    ['Some String', 608512271],
    ['123456789', 3808858755],
    ['', 0],
    ['\u0000', 1383945041],
  ])('CRC-32C(%j) = %d (unsigned)', (input, expected) => {
    expect(crc32c(Buffer.from(input, 'utf8'))).toBe(expected);
  });

  it('returns unsigned values even when the top bit is set', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('checksums a range of a larger buffer', () => {
    const buf = Buffer.from('xx123456789yy');
    expect(crc32c(buf, 2, 11)).toBe(3808858755);
    expect(crc32c(buf, 2, 2)).toBe(0);
  });
});

describe('crc32c implementations', () => {
  it('the native one loads on this platform (linux x64/arm64 have prebuilt binaries)', () => {
    if (process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64')) expect(nativeCrc32c).not.toBeNull();
  });

  it('native and JS agree on random buffers of every size around the switch-over and beyond', () => {
    const random = seededRandom(7);
    for (const size of [0, 1, 100, 511, 512, 513, 1000, 4096, 16384, 100_000]) {
      const buf = Buffer.alloc(size);
      for (let i = 0; i < size; i++) buf[i] = Math.floor(random() * 256);
      const js = jsCrc32c(buf);
      expect(crc32c(buf)).toBe(js);
      if (nativeCrc32c !== null) expect(nativeCrc32c(buf) >>> 0).toBe(js);
    }
  });
});
