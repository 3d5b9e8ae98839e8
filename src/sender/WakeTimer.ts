import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * The sender's one timer: wakes it when the earliest retry backoff ends or queued batch expires
 * (Java's Sender computes the same instant as its poll timeout). A later due time never replaces
 * an earlier one; after close() nothing is scheduled any more.
 */
export class WakeTimer {
  /** The scheduled wake, if any; invariant: non-null exactly while `dueMs` is finite. */
  private timer: Subscription | null = null;
  /** When the scheduled wake fires; Infinity when none is scheduled. */
  private dueMs = Infinity;
  private closed = false;

  constructor(
    private readonly scheduler: SchedulerLike,
    /** What the timer calls when due (the sender's wakeup: a drain pass). */
    private readonly wakeup: () => void,
  ) {}

  /** Wakes the sender at `dueMs` unless a wake is due sooner; Infinity asks for nothing. */
  wakeAt(dueMs: number): void {
    if (this.closed || dueMs >= this.dueMs) return;
    this.timer?.unsubscribe();
    this.dueMs = dueMs;
    this.timer = this.scheduler.schedule(this.fire, Math.max(0, dueMs - this.scheduler.now()));
  }

  /** Cancels the scheduled wake for good. */
  close(): void {
    this.closed = true;
    this.timer?.unsubscribe();
    this.timer = null;
    this.dueMs = Infinity;
  }

  /** Stored once: no closure per scheduled wake. */
  private readonly fire = (): void => {
    this.timer = null;
    this.dueMs = Infinity;
    this.wakeup();
  };
}
