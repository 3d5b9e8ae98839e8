import { LatencyHistogram } from '../../src/metrics/LatencyHistogram';

/** Exact nearest-rank percentile of a sorted list. */
function exact(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

describe('LatencyHistogram', () => {
  it('is all zeros when nothing was recorded', () => {
    expect(new LatencyHistogram().summary()).toEqual({ avg: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });

  it('1..1000 ms: percentiles within 0.8 % of the exact ones, mean and max exact', () => {
    const h = new LatencyHistogram();
    // Recorded in shuffled order: the order must not matter.
    const values = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) + 1);
    for (const v of values) h.record(v);
    const s = h.summary();
    expect(h.size).toBe(1000);
    expect(s.avg).toBe(500.5);
    expect(s.max).toBe(1000);
    for (const [p, want] of [[50, 500], [95, 950], [99, 990]] as const) {
      const got = p === 50 ? s.p50 : p === 95 ? s.p95 : s.p99;
      expect(Math.abs(got - want) / want).toBeLessThan(1 / 128);
    }
  });

  it('sub-millisecond latencies are resolved to the µs', () => {
    const h = new LatencyHistogram();
    for (let us = 1; us <= 100; us++) h.record(us / 1000);
    expect(h.percentile(50)).toBeCloseTo(0.05, 6);
    expect(h.percentile(99)).toBeCloseTo(0.099, 6);
    expect(h.summary().max).toBeCloseTo(0.1, 9);
  });

  it('a skewed random set: every percentile within 0.8 % of exact, ordered, and never above max', () => {
    const h = new LatencyHistogram();
    const values: number[] = [];
    let seed = 42;
    for (let i = 0; i < 100_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      // Mostly 1-10 ms, a long tail up to ~10 s.
      const v = (seed / 2 ** 31) ** 6 * 10_000 + 1;
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    for (const p of [1, 10, 50, 90, 95, 99, 99.9, 100]) {
      const want = exact(values, p);
      expect(Math.abs(h.percentile(p) - want) / want).toBeLessThan(1 / 128);
    }
    const s = h.summary();
    expect(s.p50).toBeLessThanOrEqual(s.p95);
    expect(s.p95).toBeLessThanOrEqual(s.p99);
    expect(s.p99).toBeLessThanOrEqual(s.max);
    expect(s.max).toBe(values[values.length - 1]);
    expect(s.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
  });

  it('a negative latency (clock stepped back) counts as 0; a huge one is capped, not lost', () => {
    const h = new LatencyHistogram();
    h.record(-3);
    h.record(1e12);
    expect(h.size).toBe(2);
    expect(h.percentile(50)).toBe(0);
    expect(h.percentile(100)).toBeGreaterThan(2_000_000);
  });
});
