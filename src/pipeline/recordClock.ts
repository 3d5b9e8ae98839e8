import { asyncScheduler, type SchedulerLike } from 'rxjs';

/**
 * Records handed over in one synchronous burst that may share one clock read. The bound keeps a
 * shared timestamp within the time 16 records take to serialize (microseconds, unless a serializer
 * is slow) of its own moment, below Kafka's millisecond resolution, while 15 reads in 16 are saved.
 */
const READS_SHARED = 16;

/**
 * The CreateTime of records without a timestamp (the serialize stage's clock). Java reads
 * `time.milliseconds()` once per `send()`, before serializing; here a read is shared by the records
 * of one synchronous burst (a pulled source's loop, a `from(array)`), up to READS_SHARED of them:
 * they are handed over within microseconds of each other, so they would mostly read the same
 * millisecond anyway, and the clock was 5-6% of a 100 B record's CPU (`Date.now()` behind RxJS's
 * `scheduler.now()`). The burst ends at the next microtask: a record arriving later, from a timer,
 * a socket or an awaited source, reads the clock afresh.
 *
 * Under a virtual-time scheduler (tests), every record reads `scheduler.now()`: there, time moves
 * between frames that run in one synchronous flush, with no microtask between them.
 */
export function recordClock(scheduler: SchedulerLike): () => number {
  if (scheduler !== asyncScheduler) return () => scheduler.now();
  const clock = new BurstClock();
  return () => clock.now();
}

/** One real-time clock read shared by up to READS_SHARED records of a synchronous burst. */
class BurstClock {
  /** The last read; valid while `left` > 0. */
  private lastMs = 0;
  /** Records that may still share `lastMs`; 0: the next record reads the clock. */
  private left = 0;
  /** A microtask that ends the burst is queued (one per burst, not per read). */
  private expiring = false;
  /** Allocated once: ends the burst. */
  private readonly expire = (): void => {
    this.expiring = false;
    this.left = 0;
  };

  now(): number {
    if (this.left > 0) {
      this.left--;
      return this.lastMs;
    }
    this.lastMs = Date.now();
    this.left = READS_SHARED - 1;
    if (!this.expiring) {
      this.expiring = true;
      queueMicrotask(this.expire);
    }
    return this.lastMs;
  }
}
