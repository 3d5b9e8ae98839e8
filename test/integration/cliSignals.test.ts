// `rxkafka produce` and `perf` stopped by a signal, and what they say while they wait for brokers
// (issue 13, points 1 and 2), on the mock cluster. The built CLI is run as a user runs it, fed by
// an endless `seq`; what the broker holds is read by kcat -Q, not by rxkafka. Real Kafka:
// test/real-kafka/shutdown.test.ts. Alone: `npm run build && npx jest --selectProjects integration-2.12 --runTestsByPath test/integration/cliSignals.test.ts`.
import * as fs from 'fs';
import { CLI, CliProcess, kcatEndOffsetSum, produceSummaryOf } from '../support/cliProcess';
import { MockCluster } from '../support/MockCluster';

let cluster: MockCluster;
let topicSeq = 0;

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  cluster = await MockCluster.start({ brokers: 1 });
});

afterEach(() => CliProcess.killAll());

afterAll(async () => {
  await cluster?.stop();
});

async function newTopic(partitions: number): Promise<string> {
  const name = `cli-signals-${process.pid}-${++topicSeq}`;
  await cluster.createTopic(name, partitions, 1);
  return name;
}

/** Resolves once the broker holds more than `n` records of `topic` (the CLI is producing). */
async function untilFlowing(topic: string, partitions: number, n: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await kcatEndOffsetSum(cluster.bootstrap, topic, partitions)) <= n) {
    if (Date.now() > deadline) throw new Error(`fewer than ${n} records reached ${topic} in 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('rxkafka produce from an endless stdin, stopped by %s', (signal, exitCode) => {
  it(`flushes what it read, exits ${exitCode}, the summary last: every record read acked, as many as the broker holds`, async () => {
    const topic = await newTopic(3);
    const cli = new CliProcess(['produce', '--brokers', cluster.bootstrap, '--topic', topic, '--close-timeout-ms', '60000'], 'endless');
    await untilFlowing(topic, 3, 1000);
    cli.kill(signal);
    const r = await cli.exit(90_000);
    expect({ code: r.code, signal: r.signal }).toEqual({ code: exitCode, signal: null });
    const s = produceSummaryOf(r.stdout);
    expect(s.records).toBeGreaterThan(1000);
    expect({ acked: s.acked, failed: s.failed, unsent: s.unsent }).toEqual({ acked: s.records, failed: 0, unsent: 0 });
    expect(await kcatEndOffsetSum(cluster.bootstrap, topic, 3)).toBe(s.acked);
    expect(r.stderr).toContain(`${signal}: stopped reading`);
  });
});

it('a broker lost mid-run is reported; a second signal while the acks are awaited exits at once, with the summary as it stands (read = acked + failed + unsent)', async () => {
  const own = await MockCluster.start({ brokers: 1 });
  let cli: CliProcess | undefined;
  try {
    await own.createTopic('t', 2, 1);
    cli = new CliProcess(
      ['produce', '--brokers', own.bootstrap, '--topic', 't', '--close-timeout-ms', '600000', '--delivery-timeout-ms', '600000', '--request-timeout-ms', '300000'],
      'endless',
    );
    const deadline = Date.now() + 60_000;
    while ((await kcatEndOffsetSum(own.bootstrap, 't', 2)) <= 1000) {
      if (Date.now() > deadline) throw new Error('the CLI did not produce');
      await new Promise((r) => setTimeout(r, 200));
    }
    // The only broker goes away: what was read cannot be acked, the flush would wait 10 minutes.
    await own.brokerDown(1);
    // Said on stderr as it happens, with the broker's address.
    await cli.waitForStderr(new RegExp(`lost the connection, reconnecting: connection to ${own.bootstrap.replace(/\./g, '\\.')} `), 60_000);
    cli.kill('SIGINT');
    await cli.waitForStderr(/SIGINT: stopped reading/, 30_000);
    cli.kill('SIGINT');
    const r = await cli.exit(60_000);
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 130, signal: null });
    expect(r.stderr).toContain('SIGINT again: exiting now');
    const s = produceSummaryOf(r.stdout);
    expect(s.records).toBeGreaterThan(1000);
    expect(s.acked + s.failed + s.unsent).toBe(s.records);
    expect(s.unsent).toBeGreaterThan(0);
  } finally {
    cli?.kill('SIGKILL');
    await own.stop();
  }
});

it('rxkafka perf stopped by SIGINT: exit 130, the summary last, what it acked is what the broker holds', async () => {
  const topic = await newTopic(2);
  const cli = new CliProcess(['perf', '--brokers', cluster.bootstrap, '--topic', topic, '--num-records', '1000000000', '--throughput', '20000']);
  await untilFlowing(topic, 2, 1000);
  cli.kill('SIGINT');
  const r = await cli.exit(90_000);
  expect({ code: r.code, signal: r.signal }).toEqual({ code: 130, signal: null });
  const lines = r.stdout.trimEnd().split('\n');
  const s = JSON.parse(lines[lines.length - 1]) as { records: number; failed: number; unsent: number };
  expect(s.records).toBeGreaterThan(1000);
  expect({ failed: s.failed, unsent: s.unsent }).toEqual({ failed: 0, unsent: 0 });
  expect(await kcatEndOffsetSum(cluster.bootstrap, topic, 2)).toBe(s.records);
});

describe('rxkafka produce while no broker answers', () => {
  it('reports the failed connection on stderr while it still waits, naming the address and the error', async () => {
    const cli = new CliProcess(['produce', '--brokers', '127.0.0.1:1', '--topic', 't', '--max-block-ms', '600000'], 'endless');
    // Long before maxBlockMs (10 minutes) ends: the waits are bounds, not expected durations.
    await cli.waitForStderr(/cannot connect, retrying: connection to 127\.0\.0\.1:1 .*ECONNREFUSED/, 60_000);
    await cli.waitForStderr(/still waiting for a broker .*no broker answered a Metadata request/, 60_000);
    expect(cli.child.exitCode).toBe(null);
    cli.kill('SIGINT');
    const r = await cli.exit(60_000);
    expect(r.code).toBe(130);
    expect(produceSummaryOf(r.stdout)).toMatchObject({ records: 0, acked: 0, failed: 0, unsent: 0 });
  });

  it('rate-limits: one line per broker per 5 s, however often the producer retries', async () => {
    const cli = new CliProcess(['produce', '--brokers', '127.0.0.1:1', '--topic', 't', '--max-block-ms', '3000'], 'endless');
    const r = await cli.exit(60_000);
    expect(r.code).toBe(1);
    // Some ten attempts in 3 s (retry backoff 100 ms → 1 s): one line, then the error at maxBlockMs.
    expect(r.stderr.match(/cannot connect/g)?.length).toBe(1);
    expect(r.stderr).toMatch(/nothing was sent, the input was not read: no metadata for topic 't' after 3000 ms/);
    expect(produceSummaryOf(r.stdout)).toMatchObject({ records: 0 });
  });
});
