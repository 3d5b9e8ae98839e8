import { asyncScheduler, VirtualTimeScheduler } from 'rxjs';
import { unrefPeriodic } from '../../src/metrics/unrefPeriodic';

describe('unrefPeriodic', () => {
  it('ticks on the real clock without keeping the process alive, also after rescheduling', async () => {
    let ticks = 0;
    const subscription = unrefPeriodic(asyncScheduler, 10, () => ticks++);
    const timer = (subscription as unknown as { id: NodeJS.Timeout }).id;
    expect(timer.hasRef()).toBe(false);
    await new Promise((r) => setTimeout(r, 55));
    expect(ticks).toBeGreaterThanOrEqual(3);
    expect((subscription as unknown as { id: NodeJS.Timeout }).id.hasRef()).toBe(false);
    subscription.unsubscribe();
    const after = ticks;
    await new Promise((r) => setTimeout(r, 30));
    expect(ticks).toBe(after);
  });

  it('is a plain periodic schedule on a virtual clock', () => {
    const scheduler = new VirtualTimeScheduler();
    const at: number[] = [];
    const subscription = unrefPeriodic(scheduler, 100, () => at.push(scheduler.now()));
    scheduler.maxFrames = 350;
    scheduler.flush();
    expect(at).toEqual([100, 200, 300]);
    subscription.unsubscribe();
    expect(scheduler.actions).toHaveLength(0);
  });
});
