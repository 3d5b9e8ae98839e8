/**
 * Kafka's murmur2 (`Utils.murmur2` in the Java client): the hash behind the default keyed
 * partitioner. It must match Java bit for bit, or keyed records land on different partitions than
 * the ones Java producers (and Kafka Streams) choose for the same key.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/**
 * The murmur2 hash of `buf` as a signed int32, exactly as Java computes it. Allocates nothing.
 *
 * @example
 * murmur2(Buffer.from('21')) // -973932308
 */
export function murmur2(buf: Buffer): number {
  const length = buf.length;
  let h = (SEED ^ length) | 0;
  const tail = length & ~3;
  // Body: little-endian 4-byte blocks. Math.imul is Java's wrapping int multiply.
  for (let i = 0; i < tail; i += 4) {
    let k = buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  // Tail: the 1..3 bytes left over, folded in the same order as Java's fall-through switch.
  const left = length & 3;
  if (left > 0) {
    if (left === 3) h ^= buf[tail + 2] << 16;
    if (left >= 2) h ^= buf[tail + 1] << 8;
    h ^= buf[tail];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * Clears the sign bit, as Java's `Utils.toPositive` does. Use this, not `>>> 0`, before taking a
 * partition modulo: `toPositive(murmur2(key)) % numPartitions` is Java's keyed partition.
 */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}
