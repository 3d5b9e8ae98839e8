import type { SchedulerLike } from 'rxjs';
import type { ExponentialBackoff } from '../network/Backoff';
import { afterUnref } from '../time/Time';

/** What the schedule asks of the cluster it refreshes. */
export interface RefreshHooks {
  /** True while no refresh may start: one is in flight, or the cluster is closed. */
  isBusy(): boolean;
  /** True while some topic is tracked (age-based refreshes happen only then). */
  hasTopics(): boolean;
  /** Starts a refresh; the cluster logs its failure and records it for waiters. */
  refresh(): Promise<void>;
}

/**
 * When the next metadata refresh is due (Java: `Metadata.timeToNextUpdate` with
 * `updateRequested`, `lastSuccessfulRefreshMs` and the KIP-580 attempts): a requested refresh
 * waits out `notBeforeMs` (the rate limit, then the retry backoff while refreshes fail or come
 * back incomplete); otherwise tracked topics are refreshed every `metadataMaxAgeMs`. One timer,
 * re-armed as requests come; at most one refresh at a time (the cluster says when it is busy).
 * The timer runs on `scheduler` and due times are on its clock (`scheduler.now()`).
 */
export class RefreshSchedule {
  /** Someone needs fresher metadata than the cache has; cleared when a refresh starts. */
  private updateRequested = false;
  /** Consecutive failed or incomplete refreshes; 0 after a complete one. Drives `backoff`. */
  private failedAttempts = 0;
  /** No refresh is started by the timer before this time (rate limit, then retry backoff). */
  private notBeforeMs = 0;
  /** When the last successful refresh ended; -Infinity before the first. */
  private lastSuccessMs = -Infinity;
  /** Cancels the one refresh timer; `timerDueMs` is when it fires. null/Infinity when none is armed. */
  private cancelTimer: (() => void) | null = null;
  private timerDueMs = Infinity;

  constructor(
    private readonly metadataMaxAgeMs: number,
    private readonly backoff: ExponentialBackoff,
    private readonly scheduler: SchedulerLike,
    private readonly hooks: RefreshHooks,
  ) {}

  /** Consecutive failed or incomplete refreshes (for logs). */
  get attempts(): number {
    return this.failedAttempts;
  }

  /** Asks for a refresh once the backoff allows (coalesced with other requests). */
  request(): void {
    this.updateRequested = true;
    this.schedule();
  }

  /** Asks for a refresh at once, ignoring the rate limit (a new topic). */
  requestNow(): void {
    this.notBeforeMs = 0;
    this.request();
  }

  /** Forgets a pending request and the timer: the retries were for topics nobody tracks any more. */
  dropRequest(): void {
    this.updateRequested = false;
    this.clearTimer();
  }

  /** A refresh is starting: it serves the pending request. */
  started(): void {
    this.updateRequested = false;
  }

  /** A refresh was answered; incomplete (leaderless partitions, missing topics): look again, backing off. */
  answered(complete: boolean): void {
    this.lastSuccessMs = this.scheduler.now();
    if (complete) {
      this.failedAttempts = 0;
    } else {
      this.failedAttempts++;
      this.updateRequested = true;
    }
  }

  /** A refresh failed: retry after the backoff. */
  failed(): void {
    this.failedAttempts++;
    this.updateRequested = true;
  }

  /** A refresh ended (after `answered` or `failed`): the next one waits for the backoff of the attempts so far. */
  ended(): void {
    this.notBeforeMs = this.scheduler.now() + this.backoff.backoff(Math.max(0, this.failedAttempts - 1));
  }

  /** Arms the one timer for the next refresh that is due: requested (after backoff), or age-based. */
  schedule(): void {
    if (this.hooks.isBusy()) return;
    let dueMs: number;
    if (this.updateRequested) dueMs = this.notBeforeMs;
    else if (this.hooks.hasTopics()) dueMs = Math.max(this.lastSuccessMs + this.metadataMaxAgeMs, this.notBeforeMs);
    else return;
    if (dueMs <= this.scheduler.now()) {
      // Due now (a new topic, the first request): start at once rather than after a timer hop.
      this.clearTimer();
      this.start();
      return;
    }
    // An earlier timer re-evaluates when it fires; only a later one must be replaced.
    if (this.cancelTimer !== null && this.timerDueMs <= dueMs) return;
    this.clearTimer();
    this.timerDueMs = dueMs;
    // A refresh alone must not keep the process alive (waiters and sockets do that).
    this.cancelTimer = afterUnref(this.scheduler, dueMs - this.scheduler.now(), this.onTimer);
  }

  clearTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.timerDueMs = Infinity;
  }

  private readonly onTimer = (): void => {
    this.cancelTimer = null;
    this.timerDueMs = Infinity;
    if (this.hooks.isBusy()) return;
    const nowMs = this.scheduler.now();
    const due =
      nowMs >= this.notBeforeMs &&
      (this.updateRequested || (this.hooks.hasTopics() && nowMs >= this.lastSuccessMs + this.metadataMaxAgeMs));
    if (!due) {
      this.schedule();
      return;
    }
    this.start();
  };

  private start(): void {
    this.hooks.refresh().catch(() => {
      // Logged in the cluster's refresh; waiters see its last error; the retry is already scheduled.
    });
  }
}
