import { ExponentialBackoff } from '../../src/network/Backoff';

describe('ExponentialBackoff', () => {
  test('doubles per attempt from initialMs and stops at maxMs (no jitter at random = 0.5)', () => {
    const backoff = new ExponentialBackoff(100, 1000, 2, 0.2, () => 0.5);
    expect([0, 1, 2, 3, 4, 5, 50].map((a) => backoff.backoff(a))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  test('jitter stays within ±20 % and never exceeds maxMs', () => {
    const low = new ExponentialBackoff(100, 1000, 2, 0.2, () => 0);
    const high = new ExponentialBackoff(100, 1000, 2, 0.2, () => 0.999999);
    expect(low.backoff(0)).toBe(80);
    expect(high.backoff(0)).toBe(119);
    expect(low.backoff(2)).toBe(320);
    expect(high.backoff(2)).toBe(479);
    expect(low.backoff(10)).toBe(800);
    expect(high.backoff(10)).toBe(1000);
  });

  test('with Math.random, values spread over the jitter range', () => {
    const backoff = new ExponentialBackoff(1000, 10000);
    const values = Array.from({ length: 500 }, () => backoff.backoff(0));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(800);
    expect(Math.max(...values)).toBeLessThan(1200);
    expect(new Set(values).size).toBeGreaterThan(50);
  });

  test('a fixed interval (maxMs <= initialMs) is returned as is, like Java', () => {
    expect(new ExponentialBackoff(500, 500, 2, 0.2, () => 0).backoff(7)).toBe(500);
    expect(new ExponentialBackoff(500, 300).backoff(0)).toBe(300);
  });

  test('a custom multiplier grows by that factor', () => {
    const backoff = new ExponentialBackoff(10, 10000, 3, 0, Math.random);
    expect([0, 1, 2, 3].map((a) => backoff.backoff(a))).toEqual([10, 30, 90, 270]);
  });
});
