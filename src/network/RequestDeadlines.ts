import type { InFlightRequest, InFlightRequests } from './InFlightRequests';

/**
 * The request timeout of one connection (Java: `NetworkClient.handleTimedOutRequests`): one timer
 * for all of its requests, armed for the oldest pending deadline, and a call to `onExpired` with
 * the oldest request once its deadline passes. The connection decides what expiry means (it
 * closes, as Java does).
 *
 * One timer suffices because every request gets the same timeout: deadlines grow in send order,
 * so the oldest request in flight always holds the earliest one.
 */
export class RequestDeadlines {
  /** Fires no later than the earliest pending deadline; null when nothing is pending (or not armed yet). */
  private timer: NodeJS.Timeout | null = null;
  /** Set once by `stop()` (the connection closed); nothing is armed after it. */
  private stopped = false;

  constructor(
    private readonly inFlight: InFlightRequests,
    private readonly now: () => number,
    private readonly onExpired: (oldest: InFlightRequest) => void,
  ) {}

  /** Arms the timer for the oldest pending request, unless already armed. */
  arm(): void {
    // An armed timer fires no later than needed: deadlines only grow, so a later request never
    // needs an earlier check. Fired early, `onCheck` re-arms for the actual oldest deadline.
    if (this.timer !== null || this.stopped) return;
    const oldest = this.inFlight.oldest();
    if (oldest === undefined) return;
    const delayMs = Math.max(0, Math.ceil(oldest.deadlineMs - this.now()));
    this.timer = setTimeout(this.onCheck, delayMs);
  }

  /** Clears the timer for good. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly onCheck = (): void => {
    this.timer = null;
    const oldest = this.inFlight.oldest();
    if (oldest === undefined) return;
    if (oldest.deadlineMs > this.now()) {
      this.arm();
      return;
    }
    this.onExpired(oldest);
  };
}
