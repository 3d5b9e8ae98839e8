import { murmur2, toPositive } from '../../src/protocol/murmur2';

// VECTORS.md: Kafka's UtilsTest.testMurmur2 and values generated from the Java code.
const VECTORS: [string, number][] = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['0', 971027396],
  ['1', -1993445489],
  ['128', -326012175],
  ['2187', -1508407203],
  ['16384', -325739742],
  ['78125', -1654490814],
  ['279936', 1462227128],
  ['823543', -2014198330],
  ['2097152', 607668903],
  ['4782969', -1182699775],
  ['10000000', -1830336757],
  ['19487171', -1603849305],
  ['35831808', -857013643],
  ['62748517', -1167431028],
  ['105413504', -381294639],
  ['170859375', -1658323481],
  ['100:48069', 1009543857],
];

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
