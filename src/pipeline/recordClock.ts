import type { SchedulerLike } from 'rxjs';
import type { Time } from '../time/Time';

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
 * `scheduler.now()`). The burst ends with work scheduled on `time.soon`: in real time a microtask,
 * so a record arriving later — from a timer, a socket, an awaited source — reads the clock afresh;
 * under virtual time the same action runs before the scheduler moves to a later frame.
 */
export function recordClock(time: Pick<Time, 'scheduler' | 'soon'>): () => number {
  const clock = new BurstClock(time.scheduler, time.soon);
  return () => clock.now();
}

/** One clock read shared by up to READS_SHARED records of a synchronous burst. */
class BurstClock {
  /** The last read; valid while `left` > 0. */
  private lastMs = 0;
  /** Records that may still share `lastMs`; 0: the next record reads the clock. */
  private left = 0;
  /** The action that ends the burst is scheduled (one per burst, not per read). */
  private expiring = false;
  /** Allocated once: ends the burst. */
  private readonly expire = (): void => {
    this.expiring = false;
    this.left = 0;
  };

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly soon: SchedulerLike,
  ) {}

  now(): number {
    if (this.left > 0) {
      this.left--;
      return this.lastMs;
    }
    this.lastMs = this.scheduler.now();
    this.left = READS_SHARED - 1;
    if (!this.expiring) {
      this.expiring = true;
      this.soon.schedule(this.expire);
    }
    return this.lastMs;
  }
}
