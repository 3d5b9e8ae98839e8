/**
 * The `--throughput` schedule: a token bucket that says when the next record may go. Records are
 * released in bursts of about `quantumMs` worth, so a paced run sets one timer per quantum (100
 * per second at the default 10 ms), not one per record, and the average rate is exact because
 * each record has a due time on a fixed schedule rather than a sleep of its own (sleeps overshoot
 * and their errors would add up).
 *
 * When the producer falls behind (brokers slower than the target), at most `burstMs` worth of
 * late records go at once: the bucket holds that many tokens, so a stall is not followed by an
 * unbounded catch-up burst.
 */
export class PacingSchedule {
  /** Time between two records at the target rate. */
  private readonly intervalMs: number;
  /** Due time of the next record; never more than burstMs behind now (the bucket's capacity). */
  private nextDueMs: number;

  constructor(
    recordsPerSec: number,
    startMs: number,
    /** Shortest wait: what is due within it goes together, one timer for the lot. */
    private readonly quantumMs = 10,
    /** How far behind the schedule may run before late time is forgotten. */
    private readonly burstMs = 100,
  ) {
    this.intervalMs = 1000 / recordsPerSec;
    this.nextDueMs = startMs;
  }

  /**
   * 0 when the next record may go at `nowMs` (its slot is then taken), else how long to wait
   * before asking again — at least quantumMs.
   */
  delayMs(nowMs: number): number {
    const ahead = this.nextDueMs - nowMs;
    if (ahead > 0) return Math.max(ahead, this.quantumMs);
    if (-ahead > this.burstMs) this.nextDueMs = nowMs - this.burstMs;
    this.nextDueMs += this.intervalMs;
    return 0;
  }
}
