// benchmarks/hotpaths.js (npm run bench:hot): every case runs and gives a result, and --check
// flags a case whose ratio is more than 30% above its baseline. Nothing here is timed: --quick
// runs each case for well under a millisecond, from the TypeScript sources (--src, no build).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nativeCrc32c } from '../../src/protocol/crc32c';

interface CaseResult {
  name: string;
  nsPerOp: number | null;
  ratio: number | null;
  skip?: string;
  error?: string;
  processRatios?: number[];
}
interface Comparison {
  regressions: Array<{ name: string; ratio: number; baselineRatio: number; change: number }>;
  unknown: string[];
  skipped: string[];
}
interface Baseline {
  cases: Record<string, { ratio: number; nsPerOp?: number }>;
}

const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'benchmarks', 'hotpaths.js');
/* eslint-disable @typescript-eslint/no-var-requires */
const cases = require('../../benchmarks/hotpaths/cases') as Array<{ name: string }>;
const { compareToBaseline } = require('../../benchmarks/hotpaths/baseline') as {
  compareToBaseline(cases: CaseResult[], baseline: Baseline, tolerance?: number): Comparison;
};
const { bestOf } = require('../../benchmarks/hotpaths/runner') as {
  bestOf(measureOnce: (c: { name: string }) => CaseResult, c: { name: string }, times: number, earlier?: CaseResult[]): CaseResult;
};
/* eslint-enable @typescript-eslint/no-var-requires */

function runScript(args: string[]) {
  const r = spawnSync(process.execPath, [SCRIPT, '--quick', '--json', '--src', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
  if (r.stdout.trim() === '') throw new Error(`hotpaths.js printed nothing (exit ${r.status}): ${r.stderr}`);
  return { status: r.status, output: JSON.parse(r.stdout) as { cases: CaseResult[]; check: Comparison | null } };
}

const result = (name: string, ratio: number | null): CaseResult => ({ name, nsPerOp: ratio === null ? null : ratio * 1000, ratio });

describe('npm run bench:hot', () => {
  it('gives every case a result: ns/op and a ratio to the calibration (--quick, all cases in one process)', () => {
    const { status, output } = runScript(['--in-process']);
    expect(output.cases.map((c) => c.name)).toEqual(cases.map((c) => c.name));
    for (const c of output.cases) {
      if (c.skip !== undefined && nativeCrc32c === null && c.name.startsWith('crc32c/') && c.name.endsWith('-native')) continue;
      expect({ name: c.name, error: c.error, skip: c.skip }).toEqual({ name: c.name, error: undefined, skip: undefined });
      expect(c.nsPerOp).toBeGreaterThan(0);
      expect(c.ratio).toBeGreaterThan(0);
    }
    expect(status).toBe(0);
  }, 120000);

  it('--check exits 1 naming the case whose ratio is far above a (synthetic) baseline; the case runs in a process of its own', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpaths-'));
    const file = path.join(dir, 'baseline.json');
    fs.writeFileSync(file, JSON.stringify({ node: process.version, cases: { 'varint/write-varint': { ratio: 1e-9 } } }));
    try {
      const { status, output } = runScript(['--check', '--baseline', file, 'varint/write-varint']);
      expect(output.cases.map((c) => c.name)).toEqual(['varint/write-varint']);
      expect(output.check!.regressions.map((r) => r.name)).toEqual(['varint/write-varint']);
      expect(status).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120000);
});

describe('compareToBaseline', () => {
  const baseline: Baseline = {
    cases: { slower31: { ratio: 1 }, slower29: { ratio: 1 }, faster: { ratio: 1 }, much: { ratio: 0.5 }, skippedHere: { ratio: 1 } },
  };

  it('flags the cases more than 30% worse than their baseline ratio, worst first, and only those', () => {
    const c = compareToBaseline(
      [result('slower31', 1.31), result('slower29', 1.29), result('faster', 0.4), result('much', 1.5), result('skippedHere', null), result('new', 1)],
      baseline,
    );
    expect(c.regressions.map((r) => [r.name, Number(r.change.toFixed(2))])).toEqual([
      ['much', 2],
      ['slower31', 0.31],
    ]);
    expect(c.unknown).toEqual(['new']);
    expect(c.skipped).toEqual(['skippedHere']);
  });

  it('takes another tolerance when given one', () => {
    expect(compareToBaseline([result('slower29', 1.29)], baseline, 0.2).regressions.map((r) => r.name)).toEqual(['slower29']);
  });
});

describe('bestOf', () => {
  it('keeps the measurement with the lowest ratio, earlier ones included, and lists every ratio', () => {
    const ratios = [3, 2, 4];
    const best = bestOf(() => result('x', ratios.shift()!), { name: 'x' }, 3, [result('x', 2.5)]);
    expect(best.ratio).toBe(2);
    expect(best.processRatios).toEqual([2.5, 3, 2, 4]);
  });
});
