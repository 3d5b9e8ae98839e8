import { perfSummary } from '../../src/cli/perfSummary';

describe('perfSummary', () => {
  it('has the documented keys in order, rates per second and MiB/s, rounded', () => {
    const s = perfSummary({
      acked: 20000,
      recordSize: 100,
      durationMs: 1600,
      latency: { avg: 1.23456, p50: 1, p95: 2.5, p99: 3.0004, max: 4 },
      peakRssBytes: 123456789,
      failed: 2,
      unsent: 3,
    });
    expect(JSON.stringify(s)).toBe(
      '{"records":20000,"recordsPerSec":12500,"mbPerSec":1.19,"latencyMs":{"avg":1.235,"p50":1,"p95":2.5,"p99":3,"max":4},"peakRssBytes":123456789,"failed":2,"unsent":3}',
    );
  });

  it('a run that sent nothing has zero rates, not NaN', () => {
    const s = perfSummary({ acked: 0, recordSize: 100, durationMs: 0, latency: { avg: 0, p50: 0, p95: 0, p99: 0, max: 0 }, peakRssBytes: 1, failed: 0, unsent: 0 });
    expect(s).toMatchObject({ records: 0, recordsPerSec: 0, mbPerSec: 0 });
  });
});
