import { xxhash32 } from '../../src/compression/xxhash32';
import { runTool } from './referenceTools';

describe('xxhash32', () => {
  it.each([
    // The xxHash reference values for the empty input, and the python-xxhash documentation's examples.
    ['', 0, 0x02cc5d05],
    ['abc', 0, 0x32d153ff],
    ['Nobody inspects the spammish repetition', 0, 0xe2293b2f],
  ])('XXH32(%j, seed %d) = %d', (text, seed, expected) => {
    expect(xxhash32(Buffer.from(text), seed)).toBe(expected);
  });

  it('hashes a sub-range without looking outside it', () => {
    const data = Buffer.from('xxNobody inspects the spammish repetitionyy');
    expect(xxhash32(data, 0, 2, data.length - 2)).toBe(0xe2293b2f);
  });

  // The lz4 tool writes frame descriptors with its own xxHash: each header checksum byte it writes
  // must be the second byte of our XXH32 over the descriptor (FLG, BD and, if present, the content size).
  it.each([
    [['-B4', '-BD', '--no-frame-crc']],
    [['-B7', '--content-size']],
    [['-B5', '-BX']],
  ])('agrees with the header checksums lz4 %j writes', (flags) => {
    const frame = runTool('lz4', ['-c', '-q', ...flags], Buffer.from('some input for the frame'));
    const descriptorEnd = (frame[4] & 0x08) !== 0 ? 14 : 6;
    expect((xxhash32(frame, 0, 4, descriptorEnd) >>> 8) & 0xff).toBe(frame[descriptorEnd]);
  });
});
