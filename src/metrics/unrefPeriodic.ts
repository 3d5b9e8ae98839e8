import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { unrefTimer } from '../time/Time';

/**
 * Runs `tick` every `periodMs` on `scheduler` without keeping the process alive: metrics are an
 * observer, never the reason a program does not exit. On a virtual-time scheduler (tests) this is
 * a plain periodic schedule.
 */
export function unrefPeriodic(scheduler: SchedulerLike, periodMs: number, tick: () => void): Subscription {
  const subscription = scheduler.schedule(function (this: SchedulerAction<undefined>) {
    tick();
    this.schedule(undefined, periodMs);
    unrefTimer(this);
  }, periodMs);
  unrefTimer(subscription);
  return subscription;
}

