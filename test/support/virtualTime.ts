import type { VirtualTimeScheduler } from 'rxjs';

/** Lets promises and drain passes (microtasks, immediates) run. */
export const tick = (): Promise<unknown> => new Promise((r) => setImmediate(r));

/** Runs every timer due up to virtual time `t`, one at a time with the drains they trigger, and ends at `t`. */
export async function advanceTo(scheduler: VirtualTimeScheduler, t: number): Promise<void> {
  await tick();
  while (scheduler.actions.length > 0 && scheduler.actions[0].delay <= t) {
    scheduler.maxFrames = scheduler.actions[0].delay;
    scheduler.flush();
    await tick();
  }
  if (scheduler.now() < t) {
    scheduler.schedule(() => undefined, t - scheduler.now());
    scheduler.maxFrames = t;
    scheduler.flush();
    await tick();
  }
}
