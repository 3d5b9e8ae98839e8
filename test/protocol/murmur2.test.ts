import { murmur2, toPositive } from '../../src/protocol/murmur2';
import { MURMUR2_VECTORS } from '../support/vectors';

// VECTORS.md: Kafka's UtilsTest.testMurmur2 and values generated from the Java code.
const VECTORS = MURMUR2_VECTORS;

describe('murmur2', () => {
  it.each(VECTORS)('murmur2(%j) = %d', (key, expected) => {
    expect(murmur2(Buffer.from(key, 'utf8'))).toBe(expected);
  });

  it("hashes the bytes {'a','b','c'} to 479470107", () => {
    expect(murmur2(Buffer.from([0x61, 0x62, 0x63]))).toBe(479470107);
  });

  it('returns a signed int32', () => {
    for (const [key] of VECTORS) {
      const h = murmur2(Buffer.from(key));
      expect(h | 0).toBe(h);
    }
  });
});

describe('toPositive', () => {
  it('sends key "21" to partition 0 of 3, as Java does (>>> 0 would give 2)', () => {
    const h = murmur2(Buffer.from('21'));
    expect(toPositive(h) % 3).toBe(0);
    expect((h >>> 0) % 3).toBe(2);
  });

  it('clears only the sign bit', () => {
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(5)).toBe(5);
  });
});
