// `rxkafka perf` as built (`node dist/src/cli/main.js perf`) against the mock cluster: the JSON
// line a user reads, and what an independent reader (kcat, CRC-checked) finds on the topic.
// `npm test` builds first; alone: `npm run build && npx jest --selectProjects integration-2.12 test/integration/perf.test.ts`.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { kcatConsume } from '../support/kcat';
import { MockCluster } from '../support/MockCluster';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

interface PerfLine {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  latencyMs: { avg: number; p50: number; p95: number; p99: number; max: number };
  peakRssBytes: number;
  failed: number;
  unsent: number;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs `rxkafka perf …` to its end, whatever its exit code. */
function perf(args: string[]): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'perf', ...args], { timeout: 60000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}

/** The last stdout line, checked to be the documented JSON with its keys in order. */
function lastLine(r: Run): PerfLine {
  const lines = r.stdout.trimEnd().split('\n');
  const s = JSON.parse(lines[lines.length - 1]) as PerfLine;
  expect(Object.keys(s)).toEqual(['records', 'recordsPerSec', 'mbPerSec', 'latencyMs', 'peakRssBytes', 'failed', 'unsent']);
  expect(Object.keys(s.latencyMs)).toEqual(['avg', 'p50', 'p95', 'p99', 'max']);
  return s;
}

let cluster: MockCluster;
let topicSeq = 0;

async function newTopic(partitions: number): Promise<string> {
  const name = `perf-${process.pid}-${++topicSeq}`;
  await cluster.createTopic(name, partitions, 1);
  return name;
}

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  cluster = await MockCluster.start({ brokers: 3 });
});

afterAll(async () => {
  await cluster?.stop();
});

describe('rxkafka perf', () => {
  it('20,000 × 100 B keyed by 10 keys, acks all: the JSON line, and exactly 20,000 records on the topic', async () => {
    const topic = await newTopic(6);
    const r = await perf(['--brokers', cluster.bootstrap, '--topic', topic, '--num-records', '20000', '--record-size', '100', '--key-count', '10', '--acks', 'all']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const s = lastLine(r);
    expect(s.records).toBe(20000);
    expect(s.recordsPerSec).toBeGreaterThan(0);
    expect(s.mbPerSec).toBeGreaterThan(0);
    expect(s.latencyMs.p50).toBeGreaterThan(0);
    expect(s.latencyMs.p50).toBeLessThanOrEqual(s.latencyMs.p95);
    expect(s.latencyMs.p95).toBeLessThanOrEqual(s.latencyMs.p99);
    expect(s.latencyMs.p99).toBeLessThanOrEqual(s.latencyMs.max);
    expect(s.latencyMs.avg).toBeLessThanOrEqual(s.latencyMs.max);
    // A Node process cannot run in less than ~20 MB, nor should this one need a GB.
    expect(s.peakRssBytes).toBeGreaterThan(20 * 2 ** 20);
    expect(s.peakRssBytes).toBeLessThan(2 ** 30);

    const read = await kcatConsume(cluster.bootstrap, topic, { timeoutMs: 60000 });
    expect(read).toHaveLength(20000);
    // Round robin over k0..k9: 2000 records each, each key on one partition, 100 letters each.
    const perKey = new Map<string, { count: number; partitions: Set<number> }>();
    let badValues = 0;
    for (const rec of read) {
      const entry = perKey.get(rec.key!) ?? { count: 0, partitions: new Set<number>() };
      entry.count++;
      entry.partitions.add(rec.partition);
      perKey.set(rec.key!, entry);
      if (!/^[A-Z]{100}$/.test(rec.value!)) badValues++;
    }
    expect(badValues).toBe(0);
    expect([...perKey.keys()].sort()).toEqual(Array.from({ length: 10 }, (_, k) => `k${k}`).sort());
    for (const { count, partitions } of perKey.values()) {
      expect(count).toBe(2000);
      expect(partitions.size).toBe(1);
    }
  });

  it('--throughput 1000 paces 2000 records over about 2 s', async () => {
    const topic = await newTopic(3);
    const r = await perf(['--brokers', cluster.bootstrap, '--topic', topic, '--num-records', '2000', '--throughput', '1000']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const s = lastLine(r);
    expect(s.records).toBe(2000);
    // A lower bound only: a loaded machine may be slower, never faster than the schedule.
    expect(r.elapsedMs).toBeGreaterThanOrEqual(1500);
    expect(s.recordsPerSec).toBeLessThanOrEqual(1100);
    expect(await kcatConsume(cluster.bootstrap, topic)).toHaveLength(2000);
  });

  it('records the broker cannot take: exit 1, the summary still printed, the failure once on stderr with its count', async () => {
    const topic = await newTopic(1);
    const r = await perf(['--brokers', cluster.bootstrap, '--topic', topic, '--num-records', '5', '--record-size', '2000000']);
    expect(r.code).toBe(1);
    expect(lastLine(r).records).toBe(0);
    expect(r.stderr).toMatch(/^rxkafka: not delivered \(5 records\): .*--max-request-size/m);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a bad value: exit 2 naming the flag, no JSON line', async () => {
    const r = await perf(['--brokers', cluster.bootstrap, '--topic', 't', '--num-records', '10', '--throughput', '0']);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/--throughput must be a positive number/);
  });
});
