import { VirtualTimeScheduler } from 'rxjs';
import { realTime, timeOn } from '../../src/time/Time';
import { recordClock } from '../../src/pipeline/recordClock';

describe('recordClock', () => {
  let calls = 0;
  beforeEach(() => {
    calls = 0;
    jest.spyOn(Date, 'now').mockImplementation(() => 1_000 + calls++);
  });
  afterEach(() => jest.restoreAllMocks());

  it('shares one real clock read among at most 16 records of a synchronous burst', () => {
    const now = recordClock(realTime);
    const burst = Array.from({ length: 40 }, () => now());
    expect(burst.slice(0, 16)).toEqual(Array(16).fill(1_000));
    expect(burst.slice(16, 32)).toEqual(Array(16).fill(1_001));
    expect(burst.slice(32)).toEqual(Array(8).fill(1_002));
  });

  it('reads the clock afresh for a record that arrives after the burst', async () => {
    const now = recordClock(realTime);
    expect(now()).toBe(1_000);
    expect(now()).toBe(1_000);
    await Promise.resolve();
    expect(now()).toBe(1_001);
  });

  it('under virtual time, reads the scheduler afresh once it moves to a later frame', () => {
    const scheduler = new VirtualTimeScheduler();
    const now = recordClock(timeOn(scheduler));
    expect(now()).toBe(0);
    scheduler.schedule(() => {}, 5);
    scheduler.flush();
    expect(now()).toBe(5);
    expect(Date.now).not.toHaveBeenCalled();
  });
});
