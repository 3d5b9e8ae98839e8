import { PacingSchedule } from '../../src/cli/perfPacing';
import { paced, PerfRecords } from '../../src/cli/perfRecords';

/** A virtual clock: `sleep` advances it, and counts how many timers a run would have set. */
function virtualClock() {
  const clock = { nowMs: 0, timers: 0, now: () => clock.nowMs, sleep: async (ms: number) => {
    clock.timers++;
    clock.nowMs += ms;
  } };
  return clock;
}

/** Drains a paced run, noting the virtual time each record was handed out. */
async function sendTimes(n: number, rate: number, clock: ReturnType<typeof virtualClock>): Promise<number[]> {
  const records = new PerfRecords(n, 10, 0, clock.now);
  const times: number[] = [];
  for await (const record of paced(records, new PacingSchedule(rate, clock.now()), clock.now, clock.sleep)) times.push(record.meta!);
  return times;
}

describe('PacingSchedule', () => {
  it('lets a record go when due, and otherwise says to wait at least a quantum', () => {
    const s = new PacingSchedule(1000, 0, 10);
    expect(s.delayMs(0)).toBe(0); // record 0 due at 0
    expect(s.delayMs(0)).toBe(10); // record 1 due at 1 ms: wait a whole quantum, not 1 ms
    expect(s.delayMs(10)).toBe(0);
    const s2 = new PacingSchedule(10, 0, 10);
    s2.delayMs(0);
    expect(s2.delayMs(0)).toBe(100); // record 1 due at 100 ms: wait exactly until then
  });

  it('after a stall, releases at most burstMs worth of late records at once', () => {
    const s = new PacingSchedule(1000, 0, 10, 100);
    let released = 0;
    while (s.delayMs(5000) === 0) released++;
    // 100 ms of backlog at 1/ms, plus the record due now: not the 5000 the stall would owe.
    expect(released).toBe(101);
  });
});

describe('paced records (virtual time)', () => {
  it('2000 records at 1000/s take 2 s, with one timer per 10 ms quantum, not one per record', async () => {
    const clock = virtualClock();
    const times = await sendTimes(2000, 1000, clock);
    expect(times).toHaveLength(2000);
    expect(times[1999]).toBeGreaterThanOrEqual(1999 - 10);
    expect(times[1999]).toBeLessThanOrEqual(1999 + 10);
    expect(clock.timers).toBeLessThanOrEqual(210);
    // Never ahead of the schedule: record i does not go before its due time.
    expect(times.every((t, i) => t >= i - 1e-9)).toBe(true);
  });

  it('in any second of a long run, the rate is the target within a quantum', async () => {
    const clock = virtualClock();
    const times = await sendTimes(5000, 500, clock);
    for (let sec = 0; sec < 10; sec++) {
      const inSecond = times.filter((t) => t >= sec * 1000 && t < (sec + 1) * 1000).length;
      expect(inSecond).toBeGreaterThanOrEqual(495);
      expect(inSecond).toBeLessThanOrEqual(505);
    }
  });

  it('a fractional rate: 0.5 records/s is one record every 2 s', async () => {
    const clock = virtualClock();
    expect(await sendTimes(3, 0.5, clock)).toEqual([0, 2000, 4000]);
  });
});
