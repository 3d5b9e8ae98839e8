import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';

/**
 * Runs `tick` every `periodMs` on `scheduler` without keeping the process alive: metrics are an
 * observer, never the reason a program does not exit. On a virtual-time scheduler (tests) this is
 * a plain periodic schedule.
 */
export function unrefPeriodic(scheduler: SchedulerLike, periodMs: number, tick: () => void): Subscription {
  const subscription = scheduler.schedule(function (this: SchedulerAction<undefined>) {
    tick();
    this.schedule(undefined, periodMs);
    unref(this);
  }, periodMs);
  unref(subscription);
  return subscription;
}

/**
 * RxJS's async actions keep their Node timer in `id` (a setInterval handle, kept across periodic
 * reschedules of the same delay); other schedulers have no such handle and nothing to unref.
 */
function unref(action: unknown): void {
  const id = (action as { id?: { unref?: () => void } }).id;
  if (id !== null && typeof id === 'object' && typeof id.unref === 'function') id.unref();
}
