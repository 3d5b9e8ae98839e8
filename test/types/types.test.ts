// The public types as strict TypeScript users see them (issue 13, point 5): tsc --strict compiles
// the fixtures of must-compile/ (their @ts-expect-error lines must each be an error, so a type
// that grows looser fails too), and reports on must-fail/ exactly the errors its lines announce.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** tsc on one of this folder's projects: its exit status and its `file(line,col): error TSnnnn` lines. */
function tsc(project: string): { status: number | null; errors: string[]; output: string } {
  const run = spawnSync(process.execPath, [TSC, '-p', join(__dirname, project), '--noEmit', '--pretty', 'false'], { cwd: ROOT, encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  const errors = [...output.matchAll(/^(\S+)\((\d+),\d+\): error (TS\d+)/gm)].map(([, file, line, code]) => `${file.replace(/\\/g, '/')}:${line} ${code}`);
  return { status: run.status, errors, output };
}

/** The errors a must-fail fixture announces: `// error TSnnnn` at the end of a line. */
function announced(file: string): string[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  return lines.flatMap((text, i) => {
    const code = /\/\/ error (TS\d+)\s*$/.exec(text)?.[1];
    return code === undefined ? [] : [`${file}:${i + 1} ${code}`];
  });
}

describe('public types under tsc --strict', () => {
  it('must-compile/: meta typed as the records give it, the producer handle of toKafka(); every @ts-expect-error is an error', () => {
    const { status, output } = tsc('tsconfig.json');
    expect(output).toBe('');
    expect(status).toBe(0);
  }, 120_000);

  it('must-fail/: each misuse is refused, with the error its line announces', () => {
    const { status, errors } = tsc('tsconfig.must-fail.json');
    const expected = announced('test/types/must-fail/meta.ts');
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(errors).toEqual(expected);
    expect(status).not.toBe(0);
  }, 120_000);
});
