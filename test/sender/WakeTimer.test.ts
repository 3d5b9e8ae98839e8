import { VirtualTimeScheduler } from 'rxjs';
import { WakeTimer } from '../../src/sender/WakeTimer';
import { advanceTo } from '../support/virtualTime';

function setup() {
  const scheduler = new VirtualTimeScheduler();
  const wakes: number[] = [];
  const timer = new WakeTimer(scheduler, () => wakes.push(scheduler.now()));
  return { scheduler, wakes, timer };
}

describe('WakeTimer', () => {
  it('wakes once at the earliest time asked; a later time never postpones it', async () => {
    const { scheduler, wakes, timer } = setup();
    timer.wakeAt(500);
    timer.wakeAt(300);
    timer.wakeAt(800);
    timer.wakeAt(Infinity);
    await advanceTo(scheduler, 1000);
    expect(wakes).toEqual([300]);
  });

  it('after it fired, takes a new time again', async () => {
    const { scheduler, wakes, timer } = setup();
    timer.wakeAt(100);
    await advanceTo(scheduler, 150);
    timer.wakeAt(400);
    await advanceTo(scheduler, 1000);
    expect(wakes).toEqual([100, 400]);
  });

  it('a time already past wakes at once (delay 0)', async () => {
    const { scheduler, wakes, timer } = setup();
    await advanceTo(scheduler, 200);
    timer.wakeAt(50);
    await advanceTo(scheduler, 200);
    expect(wakes).toEqual([200]);
  });

  it('close() cancels the scheduled wake, and nothing is scheduled afterwards', async () => {
    const { scheduler, wakes, timer } = setup();
    timer.wakeAt(100);
    timer.close();
    timer.wakeAt(200);
    await advanceTo(scheduler, 1000);
    expect(wakes).toEqual([]);
  });
});
