import { performance } from 'node:perf_hooks';
import { asapScheduler, asyncScheduler, SchedulerLike } from 'rxjs';

/**
 * Every timer and clock the producer uses, from one place, so that a test scheduler drives all of
 * them: linger, backoff, request and connection deadlines, metadata refresh, close timeouts.
 *
 * Real time has two schedulers because RxJS's asyncScheduler is setTimeout: a 0 ms delay costs a
 * timer turn (about 1 ms), too slow for a 0 ms linger; asapScheduler runs the same work as a
 * microtask after the current burst of records. Under virtual time both are the one scheduler the
 * test gave, so the code path of a 0 ms linger is the same in tests and in production.
 */
export interface Time {
  /** Timers with a delay (`schedule(work, delayMs)`), and `now()` in ms for deadlines. */
  readonly scheduler: SchedulerLike;
  /** Work due as soon as the current synchronous burst ends (a 0 ms delay). */
  readonly soon: SchedulerLike;
  /** Milliseconds with sub-millisecond resolution where the platform has it (request latencies). */
  preciseNow(): number;
}

/** The wall clock: setTimeout timers, microtasks for 0 ms, performance.now() for latencies. */
export const realTime: Time = {
  scheduler: asyncScheduler,
  soon: asapScheduler,
  preciseNow: () => performance.now(),
};

/** Everything on `scheduler` (a VirtualTimeScheduler or TestScheduler in tests). */
export function timeOn(scheduler: SchedulerLike): Time {
  if (scheduler === asyncScheduler) return realTime;
  return { scheduler, soon: scheduler, preciseNow: () => scheduler.now() };
}

/** Runs `work` after `delayMs` on `scheduler`; returns the cancel function. */
export function after(scheduler: SchedulerLike, delayMs: number, work: () => void): () => void {
  const subscription = scheduler.schedule(work, Math.max(0, delayMs));
  return () => subscription.unsubscribe();
}

/**
 * As `after`, for a timer that must not keep the process alive by itself (Node's `unref`): one
 * that only matters while something else — a caller's wait, a socket — keeps the process running,
 * such as the periodic metadata refresh. Virtual-time schedulers have no process timer to unref.
 */
export function afterUnref(scheduler: SchedulerLike, delayMs: number, work: () => void): () => void {
  const subscription = scheduler.schedule(work, Math.max(0, delayMs));
  unrefTimer(subscription);
  return () => subscription.unsubscribe();
}

/**
 * Unrefs the Node timer behind a scheduled action, if it has one: RxJS's async actions keep it in
 * `id` (a setInterval handle); other schedulers' actions have none, and nothing happens.
 */
export function unrefTimer(action: unknown): void {
  const id = (action as { id?: { unref?: () => void } }).id;
  if (id !== null && typeof id === 'object' && typeof id.unref === 'function') id.unref();
}
