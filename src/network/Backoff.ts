/**
 * Exponential backoff with jitter, as Kafka's `org.apache.kafka.common.utils.ExponentialBackoff`:
 * `initialMs * multiplier^attempts`, capped at `maxMs`, multiplied by a random factor in
 * [1 - jitter, 1 + jitter) so that many clients failing together do not retry in lockstep.
 *
 * Used for reconnects (`reconnectBackoffMs` → `reconnectBackoffMaxMs`), metadata refreshes and
 * produce retries (`retryBackoffMs` → `retryBackoffMaxMs`).
 *
 * @example
 * const backoff = new ExponentialBackoff(100, 1000);
 * backoff.backoff(0); // ~100 (80..120)
 * backoff.backoff(3); // ~800
 * backoff.backoff(9); // 1000 (never more than maxMs)
 */
export class ExponentialBackoff {
  /** The first interval; never above `maxMs`. */
  private readonly initialMs: number;
  /** The exponent at which `initialMs * multiplier^exp` reaches `maxMs`; 0 when there is no growth. */
  private readonly expMax: number;

  constructor(
    initialMs: number,
    private readonly maxMs: number,
    private readonly multiplier = 2,
    private readonly jitter = 0.2,
    private readonly random: () => number = Math.random,
  ) {
    this.initialMs = Math.min(initialMs, maxMs);
    this.expMax = maxMs > initialMs ? Math.log(maxMs / Math.max(initialMs, 1)) / Math.log(multiplier) : 0;
  }

  /** The wait before the next try after `attempts` consecutive failures (0 for the first retry). */
  backoff(attempts: number): number {
    // As Java: a fixed interval (maxMs <= initialMs) gets no jitter.
    if (this.expMax === 0) return this.initialMs;
    const exp = Math.min(Math.max(attempts, 0), this.expMax);
    const termMs = this.initialMs * Math.pow(this.multiplier, exp);
    const factor = this.jitter > 0 ? 1 - this.jitter + this.random() * 2 * this.jitter : 1;
    const backoffMs = Math.floor(factor * termMs);
    return backoffMs > this.maxMs ? this.maxMs : backoffMs;
  }
}
