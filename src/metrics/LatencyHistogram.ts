/**
 * Latencies in fixed memory: a log-linear histogram of microseconds (HdrHistogram's layout), so any
 * number of them costs the same 26 KiB and recording one allocates nothing. `rxkafka perf` keeps
 * its ack latencies in one; the producer's metrics keep the request latencies of each window in one.
 *
 * Values below 128 µs each have their own bucket; above, every power of two is split into 128
 * buckets, so a percentile is within 1/128 (< 0.8 %) of the exact value. The mean and the maximum
 * are exact (kept aside).
 */

/** Sub-buckets per power of two, as bits: 2^7 = 128, the relative precision. */
const SUB_BITS = 7;
const SUB = 1 << SUB_BITS;
/** Latencies are capped at 2^31 µs (about 36 minutes), far past any deliveryTimeoutMs. */
const MAX_MICROS = 2 ** 31 - 1;
const BUCKETS = SUB + (31 - SUB_BITS) * SUB;

/** What the perf summary prints, in ms. */
export interface LatencySummary {
  avg: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export class LatencyHistogram {
  /** counts[i]: latencies that fell in bucket i (see bucketOf). */
  private readonly counts = new Float64Array(BUCKETS);
  /** Latencies recorded. */
  private count = 0;
  /** Their exact sum in ms, for the mean. */
  private sumMs = 0;
  /** The exact largest, in ms; percentiles are clamped to it. */
  private maxMs = 0;

  /** Records one latency in ms (negative values, from a clock that went back, count as 0). */
  record(latencyMs: number): void {
    const ms = latencyMs > 0 ? latencyMs : 0;
    const micros = ms * 1000 < MAX_MICROS ? Math.round(ms * 1000) : MAX_MICROS;
    this.counts[bucketOf(micros)]++;
    this.count++;
    this.sumMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  get size(): number {
    return this.count;
  }

  /** The exact mean in ms; 0 when nothing was recorded. */
  get mean(): number {
    return this.count === 0 ? 0 : this.sumMs / this.count;
  }

  /** The exact largest latency in ms; 0 when nothing was recorded. */
  get max(): number {
    return this.maxMs;
  }

  /** Forgets every latency (a metrics window starts over without allocating). */
  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sumMs = 0;
    this.maxMs = 0;
  }

  /** Adds every latency of `other` to this one (two metrics windows read as one). */
  add(other: LatencyHistogram): void {
    if (other.count === 0) return;
    const counts = this.counts;
    const theirs = other.counts;
    for (let i = 0; i < BUCKETS; i++) counts[i] += theirs[i];
    this.count += other.count;
    this.sumMs += other.sumMs;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
  }

  /** The nearest-rank percentile `p` (0 < p ≤ 100) in ms; 0 when nothing was recorded. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(middleOf(i) / 1000, this.maxMs);
    }
    return this.maxMs;
  }

  summary(): LatencySummary {
    return {
      avg: this.mean,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.maxMs,
    };
  }
}

/** The bucket of a latency in µs (rounded): exact below SUB, else the top SUB_BITS+1 bits of it. */
function bucketOf(micros: number): number {
  if (micros < SUB) return micros;
  const shift = 31 - Math.clz32(micros) - SUB_BITS;
  return SUB + shift * SUB + ((micros >>> shift) - SUB);
}

/** The middle of bucket `i`, in µs: what a percentile falling in it reports. */
function middleOf(i: number): number {
  if (i < SUB) return i;
  const shift = Math.floor((i - SUB) / SUB);
  const width = 2 ** shift;
  const lower = (SUB + ((i - SUB) % SUB)) * width;
  return lower + (width - 1) / 2;
}
