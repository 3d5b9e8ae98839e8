import { crc32c } from '../../src/protocol/crc32c';

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
