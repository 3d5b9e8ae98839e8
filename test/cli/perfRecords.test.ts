import { PerfRecords } from '../../src/cli/perfRecords';

describe('PerfRecords', () => {
  it('hands out exactly N records, keys k0..k{K-1} round robin, meta the pull time', () => {
    let t = 100;
    const records = new PerfRecords(25, 100, 10, () => t++);
    const keys: string[] = [];
    const metas: number[] = [];
    for (const r of records) {
      keys.push(r.key!.toString());
      metas.push(r.meta!);
    }
    expect(keys).toEqual(Array.from({ length: 25 }, (_, i) => `k${i % 10}`));
    expect(metas).toEqual(Array.from({ length: 25 }, (_, i) => 100 + i));
    expect(records.pulled).toBe(25);
    expect(records.next().done).toBe(true);
  });

  it('keyless with --key-count 0; the value is one reused Buffer of record-size letters', () => {
    const records = new PerfRecords(3, 1000, 0);
    const seen = [...records].map((r) => ({ key: r.key, value: r.value }));
    expect(seen.every((r) => r.key === null)).toBe(true);
    expect(seen[0].value).toHaveLength(1000);
    expect(seen[2].value).toBe(seen[0].value);
    expect(/^[A-Z]{1000}$/.test(seen[0].value!.toString('latin1'))).toBe(true);
  });
});
