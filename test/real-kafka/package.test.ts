// Issue 13, point 6: the package as a user gets it. The project is built into a staging folder and
// `npm pack`ed there (the repository's own dist/, which other tests run, is left alone); the files
// list is checked; the tarball is installed into a scratch project in a temp folder (its
// dependencies from the registry, as `npm ci` would); a strict TypeScript program compiles against
// it (module nodenext, skipLibCheck off: the shipped declarations are checked too) and runs as ESM
// (`import`, .mjs: Node's named exports of a CommonJS package) and as CommonJS (`require`, .cjs),
// producing to Apache Kafka; kcat reads back what their acks say. `npx rxkafka --help` runs the bin.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kafkaClusterFixture } from '../support/kafkaFixture';
import { kcatConsume } from '../support/kcat';

const run = promisify(execFile);
const fixture = kafkaClusterFixture('package', { nodes: 1 });

const ROOT = join(__dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const versionOf = (name: string): string => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
/** npm as a user runs it: none of the npm_* settings of an `npm test` that may have started jest. */
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
const RECORDS = 10;

let work: string;
let app: string;
let packedFiles: string[];

/**
 * The program a user would write, in strict TypeScript: `header` imports rxkafka and rxjs (ESM
 * import or CommonJS require); the rest is the same for both. `ack.meta` is a number without any
 * assertion: the shipped types carry it.
 */
function program(header: string, kind: string): string {
  return `${header}

async function main(): Promise<void> {
  const [brokers, topic] = process.argv.slice(2);
  const records = Array.from({ length: ${RECORDS} }, (_, i) => ({ key: \`k\${i}\`, value: \`${kind}-\${i}\`, meta: i }));
  let producers = 0;
  const watch = (producer: ProducerHandle): void => {
    producers += typeof producer.metrics().recordSendTotal === 'number' ? 1 : 0;
  };
  const acks = await lastValueFrom(from(records).pipe(toKafka({ brokers, topic, acks: 'all' }, { onProducer: watch }), toArray()));
  const metas: number[] = acks.map((ack) => ack.meta);
  const delivered = acks.flatMap((ack) => (ack.error === undefined ? [{ partition: ack.partition, offset: ack.offset.toString(), meta: ack.meta }] : []));
  const failed = acks.flatMap((ack) => (ack.error === undefined ? [] : [ack.error.message]));
  console.log(JSON.stringify({ kind: '${kind}', metas, delivered, failed, producers, errorClass: new RecordError('x', { topic }) instanceof Error }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
`;
}

const ESM_HEADER = `import { RecordError, toKafka, type ProducerHandle } from 'rxkafka';
import { from, lastValueFrom, toArray } from 'rxjs';`;
const CJS_HEADER = `import rxkafka = require('rxkafka');
import rxjs = require('rxjs');
type ProducerHandle = rxkafka.ProducerHandle;
const { RecordError, toKafka } = rxkafka;
const { from, lastValueFrom, toArray } = rxjs;`;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rxkafka-package-'));
  // The package as `npm pack` makes it: package.json's files list over a fresh build.
  const stage = join(work, 'stage');
  mkdirSync(stage);
  await run(process.execPath, [TSC, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(stage, 'dist')], { cwd: ROOT });
  for (const file of ['package.json', 'README.md', 'LICENSE']) cpSync(join(ROOT, file), join(stage, file));
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: stage, env: npmEnv });
  const [{ filename, files }] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packedFiles = files.map((f) => f.path).sort();

  app = join(work, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'rxkafka-user', version: '1.0.0', private: true }));
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', types: ['node'], skipLibCheck: false, outDir: 'out' },
      include: ['src'],
    }),
  );
  writeFileSync(join(app, 'src', 'produce.mts'), program(ESM_HEADER, 'esm'));
  writeFileSync(join(app, 'src', 'produce.cts'), program(CJS_HEADER, 'cjs'));
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, filename), `rxjs@${versionOf('rxjs')}`, `@types/node@${versionOf('@types/node')}`],
    { cwd: app, env: npmEnv, maxBuffer: 16 << 20 },
  );
}, 600_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('the package, installed from its tarball', () => {
  it('ships the built JavaScript and declarations, the README, LICENSE and package.json: no tests, sources, source maps or caches', () => {
    const outside = packedFiles.filter((path) => !/^dist\/(src|operators)\/.+\.(js|d\.ts)$/.test(path) && !['README.md', 'LICENSE', 'package.json'].includes(path));
    expect(outside).toEqual([]);
    expect(packedFiles.filter((path) => ['README.md', 'LICENSE', 'package.json'].includes(path))).toEqual(['LICENSE', 'README.md', 'package.json']);
    expect(packedFiles.filter((path) => /(^|\/)(test|\.cache|node_modules)\//.test(path) || path.endsWith('.map'))).toEqual([]);
    // What package.json points to is there.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const targets = [pkg.main, pkg.types, pkg.exports['.'].types, pkg.exports['.'].default, pkg.bin.rxkafka].map((p: string) => p.replace(/^\.\//, ''));
    expect(targets.filter((target) => !packedFiles.includes(target))).toEqual([]);
  });

  it('a strict TypeScript program compiles against it, with the shipped declarations checked', async () => {
    const compiled = await run(process.execPath, [TSC, '-p', join(app, 'tsconfig.json')], { cwd: app }).catch((err: { stdout: string }) => err);
    expect(compiled.stdout).toBe('');
  }, 180_000);

  it.each(['esm', 'cjs'])('run as %s, it produces to Kafka and every ack says where its record is', async (kind) => {
    const topic = await fixture.newTopic(3);
    const file = join(app, 'out', kind === 'esm' ? 'produce.mjs' : 'produce.cjs');
    const { stdout } = await run(process.execPath, [file, fixture.cluster.bootstrap, topic], { cwd: app });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result).toMatchObject({ kind, failed: [], producers: 1, errorClass: true });
    expect([...result.metas].sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: RECORDS }, (_, i) => i));
    expect(result.delivered).toHaveLength(RECORDS);

    const read = await kcatConsume(fixture.cluster.bootstrap, topic, { timeoutMs: 60_000 });
    const where = (partition: number, offset: string, value: string | null) => `${partition}@${offset}=${value}`;
    expect(read.map((r) => where(r.partition, r.offset.toString(), r.value)).sort()).toEqual(
      result.delivered.map((d: { partition: number; offset: string; meta: number }) => where(d.partition, d.offset, `${kind}-${d.meta}`)).sort(),
    );
  }, 180_000);

  it('its bin runs: npx rxkafka --help', async () => {
    const help = await run('npx', ['--no-install', 'rxkafka', '--help'], { cwd: app, env: npmEnv });
    expect(help.stdout).toMatch(/rxkafka produce --brokers/);
  }, 120_000);
});
