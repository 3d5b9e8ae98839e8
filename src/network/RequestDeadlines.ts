import type { SchedulerLike } from 'rxjs';
import { after } from '../time/Time';
import type { InFlightRequest, InFlightRequests } from './InFlightRequests';

/**
 * The request timeout of one connection (Java: `NetworkClient.handleTimedOutRequests`): one timer
 * for all of its requests, armed for the oldest pending deadline, and a call to `onExpired` with
 * the oldest request once its deadline passes. The connection decides what expiry means (it
 * closes, as Java does).
 *
 * One timer suffices because every request gets the same timeout: deadlines grow in send order,
 * so the oldest request in flight always holds the earliest one.
 *
 * The timer runs on the connection's scheduler and deadlines are read from its clock (`now`), so
 * that a test scheduler drives both.
 */
export class RequestDeadlines {
  /** Cancels the timer that fires no later than the earliest pending deadline; null when nothing is pending (or not armed yet). */
  private cancelTimer: (() => void) | null = null;
  /** Set once by `stop()` (the connection closed); nothing is armed after it. */
  private stopped = false;

  constructor(
    private readonly inFlight: InFlightRequests,
    private readonly scheduler: SchedulerLike,
    private readonly now: () => number,
    private readonly onExpired: (oldest: InFlightRequest) => void,
  ) {}

  /** Arms the timer for the oldest pending request, unless already armed. */
  arm(): void {
    // An armed timer fires no later than needed: deadlines only grow, so a later request never
    // needs an earlier check. Fired early, `onCheck` re-arms for the actual oldest deadline.
    if (this.cancelTimer !== null || this.stopped) return;
    const oldest = this.inFlight.oldest();
    if (oldest === undefined) return;
    const delayMs = Math.max(0, Math.ceil(oldest.deadlineMs - this.now()));
    this.cancelTimer = after(this.scheduler, delayMs, this.onCheck);
  }

  /** Clears the timer for good. */
  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  private readonly onCheck = (): void => {
    this.cancelTimer = null;
    const oldest = this.inFlight.oldest();
    if (oldest === undefined) return;
    if (oldest.deadlineMs > this.now()) {
      this.arm();
      return;
    }
    this.onExpired(oldest);
  };
}
