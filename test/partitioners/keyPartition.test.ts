import { murmur2 } from '../../src/protocol/murmur2';
import { partitionForKey } from '../../src/partitioners';
import { MURMUR2_VECTORS } from '../support/vectors';

/** VECTORS.md: murmur2 as Java computes it (Kafka's UtilsTest and another client's Java-generated table). */
const MURMUR2 = MURMUR2_VECTORS;

/** What a client that reads the hash unsigned would compute (the known incompatibility). */
const unsignedPartition = (key: Buffer, n: number) => (murmur2(key) >>> 0) % n;

describe('partitionForKey (Java BuiltInPartitioner.partitionForKey)', () => {
  it('sends "21" to partition 0 of 3, as Java does; `>>> 0` would send it to 2', () => {
    const key = Buffer.from('21');
    expect(partitionForKey(key, 3)).toBe(0);
    expect(unsignedPartition(key, 3)).toBe(2);
  });

  it.each(MURMUR2)('%s → (murmur2 & 0x7fffffff) %% n for n = 1…100', (text, hash) => {
    const key = Buffer.from(text);
    for (let n = 1; n <= 100; n++) expect(partitionForKey(key, n)).toBe((hash & 0x7fffffff) % n);
  });

  it('differs from `>>> 0` exactly for negative hashes when n does not divide 2^31', () => {
    let differing = 0;
    for (const [text, hash] of MURMUR2) {
      const same = partitionForKey(Buffer.from(text), 3) === unsignedPartition(Buffer.from(text), 3);
      if (hash >= 0) expect(same).toBe(true);
      else if (!same) differing++;
      // Powers of two divide 2^31: both agree there.
      expect(partitionForKey(Buffer.from(text), 8)).toBe(unsignedPartition(Buffer.from(text), 8));
    }
    expect(differing).toBeGreaterThan(10);
  });

  it('puts an empty key on a valid partition (empty is a key, unlike null)', () => {
    const p = partitionForKey(Buffer.alloc(0), 7);
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(7);
  });
});
