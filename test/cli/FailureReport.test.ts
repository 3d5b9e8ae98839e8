import { FailureReport } from '../../src/cli/FailureReport';

function printed(report: FailureReport): string[] {
  let out = '';
  report.print({ write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream);
  return out.split('\n').filter((l) => l !== '');
}

describe('FailureReport', () => {
  it('prints one line per kind with its count and earliest line, in order of first occurrence', () => {
    const r = new FailureReport();
    r.add(7, 'too large');
    r.add(5, 'not JSON: detail of 5', 'not JSON');
    r.add(3, 'not JSON: detail of 3', 'not JSON');
    expect(printed(r)).toEqual([
      'rxkafka: not delivered (line 7): too large',
      'rxkafka: not delivered (2 records, first at line 3): not JSON: detail of 3',
    ]);
  });

  it('caps the kinds listed', () => {
    const r = new FailureReport();
    for (let i = 1; i <= 25; i++) r.add(i, `error ${i}`);
    const lines = printed(r);
    expect(lines).toHaveLength(21);
    expect(lines[20]).toBe('rxkafka: … and 5 other kinds of failure');
  });
});
