import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPTIONS } from '../../src/config/configOptions';

/**
 * The README's Configuration table is written from the option table (src/config/configOptions.ts):
 * this keeps the two from drifting apart — the same options in the same order, each Java name, and
 * each default that is a plain value.
 */
function readmeRows(): Array<{ name: string; javaName: string; defaultText: string }> {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  const rows: Array<{ name: string; javaName: string; defaultText: string }> = [];
  for (const line of section.split('\n').slice(1)) {
    if (line.startsWith('#')) break;
    const cells = /^\| `([A-Za-z0-9]+)` \| (.*?) \| (.*?) \|/.exec(line);
    if (cells !== null) rows.push({ name: cells[1], javaName: cells[2], defaultText: cells[3] });
  }
  return rows;
}

/** How the README writes a default: `'rxkafka'`, `5`, `true`, `null`, `[]`. */
function shown(value: unknown): string | undefined {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value) && value.length === 0) return '[]';
  return undefined;
}

describe("README's Configuration table", () => {
  const rows = readmeRows();

  it('lists every option, in the option table order', () => {
    expect(rows.map((r) => r.name)).toEqual(OPTIONS.map((o) => o.name));
  });

  it("gives each option's Java name", () => {
    for (const spec of OPTIONS) {
      const row = rows.find((r) => r.name === spec.name)!;
      if (spec.alias !== undefined) expect([spec.name, row.javaName]).toEqual([spec.name, `\`${spec.alias}\``]);
    }
  });

  it("gives each option's default", () => {
    for (const spec of OPTIONS) {
      const expected = shown(spec.defaultValue);
      if (expected === undefined) continue;
      const row = rows.find((r) => r.name === spec.name)!;
      expect([spec.name, row.defaultText]).toEqual([spec.name, expect.stringContaining(expected)]);
    }
  });
});
