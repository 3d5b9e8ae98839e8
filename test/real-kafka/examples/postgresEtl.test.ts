// Issue 13, the PostgreSQL → Kafka example (examples/postgres-etl/) as a user runs it: the built
// job (`node examples/postgres-etl/etl.js`, npm test builds dist/ first) as a child process, on a
// PostgreSQL the test starts (Debian's package, a temporary data folder) and a 3-node Apache Kafka.
// 200k rows with gaps in their ids; the job is killed with SIGKILL after its checkpoint moved a
// few times, then restarted to the end; kcat reads the topic back. At least once: every row is in
// the topic, none skipped; the only duplicates are rows past the checkpoint the killed run left,
// each sent once by each run; per partition each run's rows are in id order, the killed run's
// first. Broker loss: with every node paused the job stops with an error naming a row, its
// checkpoint only behind acked rows; restarted once Kafka is back, it completes the topic.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { partitionForKey } from '../../../src/partitioners/keyPartition';
import { kafkaClusterFixture } from '../../support/kafkaFixture';
import { ConsumedRecord, kcatConsume } from '../../support/kcat';

interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
}
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  end(): Promise<void>;
}
// The example is plain JavaScript over the built package; its PostgreSQL launcher serves here too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPostgres } = require('../../../examples/postgres-etl/localPostgres') as { startPostgres(): Promise<LocalPostgres> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Client } = require('pg') as { Client: new (opts: { connectionString: string }) => PgClient };

const ETL = path.resolve(__dirname, '..', '..', '..', 'examples', 'postgres-etl', 'etl.js');
const PARTITIONS = 6;
// ids 1..220000 but those ≡ 4 (mod 11): 200000 rows, with gaps, so no code may assume id + 1.
const TABLE = 'accounts';
const ROWS = 200_000;
const ids: number[] = [];
for (let g = 1; g <= 220_000; g++) if (g % 11 !== 4) ids.push(g);
const MAX_ID = ids[ids.length - 1];

const fixture = kafkaClusterFixture('etl', { nodes: 3 });
let pg: LocalPostgres | undefined;
let db: PgClient;

beforeAll(async () => {
  if (!fs.existsSync(path.join(path.dirname(ETL), '..', '..', 'dist', 'operators', 'index.js'))) throw new Error('the example runs on the built package: npm run build first');
  pg = await startPostgres();
  db = new Client({ connectionString: pg.url });
  await db.connect();
  await db.query(`CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(12,2) NOT NULL)`);
  await db.query(`INSERT INTO ${TABLE} SELECT g, 'owner ' || g, (g % 9973) / 100.0 FROM generate_series(1, 220000) g WHERE g % 11 <> 4`);
}, 120_000);
afterAll(async () => {
  await db?.end();
  await pg?.stop();
});

/** A run of the job: its exit, its stdout lines as they come, its stderr. */
class JobRun {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private rest = '';

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [ETL], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (this.rest + chunk).split('\n');
      this.rest = parts.pop()!;
      this.lines.push(...parts);
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** The run id it printed first. */
  get runId(): string {
    const m = /^start run=(\w+) /.exec(this.lines[0] ?? '');
    if (m === null) throw new Error(`the job printed no start line: ${this.lines.slice(0, 3).join(' | ')} ${this.stderr}`);
    return m[1];
  }

  checkpoints(): number[] {
    return this.lines.filter((l) => l.startsWith('checkpoint ')).map((l) => Number(l.split(' ')[1]));
  }

  /** Waits until the job printed `n` checkpoints (fails if it exits first). */
  async checkpointed(n: number, timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let gone = false;
    void this.exited.then(() => (gone = true));
    while (this.checkpoints().length < n) {
      if (gone) throw new Error(`the job exited after ${this.checkpoints().length} checkpoints: ${this.lines.join('\n')}\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`fewer than ${n} checkpoints in ${timeoutMs} ms: ${this.lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function jobEnv(topic: string, job: string, producer: Record<string, unknown>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KAFKA_BROKERS: fixture.cluster.bootstrap,
    DATABASE_URL: pg!.url,
    ETL_TABLE: TABLE,
    ETL_TOPIC: topic,
    ETL_JOB: job,
    ETL_CHECKPOINT_EVERY: '2000',
    // A small buffer: the job reads ahead of its acks by at most 1 MiB of rows.
    ETL_PRODUCER: JSON.stringify({ bufferMemory: 1 << 20, batchSize: 32 * 1024, ...producer }),
  };
}

async function savedCheckpoint(job: string): Promise<number> {
  const { rows } = await db.query('SELECT position FROM etl_checkpoint WHERE job = $1', [job]);
  return Number(rows[0].position);
}

interface Copied {
  id: number;
  run: string;
  partition: number;
}

/** The topic as kcat reads it, each record checked against its row (key, value, partition). */
async function readTopic(topic: string): Promise<Copied[]> {
  const records: ConsumedRecord[] = await kcatConsume(fixture.cluster.liveBootstrap(), topic, { timeoutMs: 180_000 });
  const bad: string[] = [];
  const copied = records.map((r) => {
    const row = JSON.parse(r.value!) as { id: number; owner: string; balance: number };
    if (r.key !== String(row.id) || row.owner !== `owner ${row.id}`) bad.push(`${r.partition}@${r.offset}: key ${r.key}, value ${r.value}`);
    if (r.partition !== partitionForKey(r.keyBytes!, PARTITIONS)) bad.push(`${r.partition}@${r.offset}: key ${r.key} on the wrong partition`);
    const run = r.headers.find(([k]) => k === 'etl-run')?.[1] ?? '';
    return { id: row.id, run, partition: r.partition };
  });
  expect(bad.slice(0, 10)).toEqual([]);
  return copied;
}

/** Ids in the order they appear (offset order within each partition: kcat reads them so). */
function idsOf(copied: Copied[], pred: (c: Copied) => boolean): number[] {
  return copied.filter(pred).map((c) => c.id);
}

function sortedNumbers(xs: number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/**
 * What a killed-then-restarted job must have left: run 2 sent exactly the rows after the saved
 * checkpoint, run 1 every row up to it (and some after), each run at most once per row, every row
 * present; per partition, run 1's records before run 2's, each run's in id order.
 * Returns the duplicates: rows both runs sent.
 */
function expectAtLeastOnce(copied: Copied[], run1: string, run2: string, checkpoint: number): number[] {
  expect(copied.filter((c) => c.run !== run1 && c.run !== run2).slice(0, 5)).toEqual([]);
  const first = sortedNumbers(idsOf(copied, (c) => c.run === run1));
  const second = sortedNumbers(idsOf(copied, (c) => c.run === run2));
  expect(new Set(first).size).toBe(first.length);
  expect(second).toEqual(ids.filter((id) => id > checkpoint));
  // Nothing skipped: every row up to the checkpoint was sent by run 1, which is why it could move.
  expect(first.filter((id) => id <= checkpoint)).toEqual(ids.filter((id) => id <= checkpoint));
  expect(sortedNumbers([...new Set(copied.map((c) => c.id))])).toEqual(ids);

  for (let p = 0; p < PARTITIONS; p++) {
    const runs = copied.filter((c) => c.partition === p).map((c) => c.run);
    expect({ partition: p, run2BeforeRun1: runs.lastIndexOf(run1) > runs.indexOf(run2) && runs.includes(run2) }).toEqual({ partition: p, run2BeforeRun1: false });
    for (const run of [run1, run2]) {
      const inPartition = idsOf(copied, (c) => c.partition === p && c.run === run);
      expect({ partition: p, run, ordered: inPartition.every((id, i) => i === 0 || inPartition[i - 1] < id) }).toEqual({ partition: p, run, ordered: true });
    }
  }
  const duplicates = first.filter((id) => id > checkpoint);
  expect(copied.length).toBe(ROWS + duplicates.length);
  return duplicates;
}

test('SIGKILL mid-run, then a restart: every row reaches Kafka, none skipped, duplicates only past the last checkpoint', async () => {
  const topic = await fixture.newTopic(PARTITIONS);
  const job = `kill-${topic}`;
  // Requests to a node that stopped answering time out after 5 s (default 30), then go to the new leader.
  const env = jobEnv(topic, job, { requestTimeoutMs: 5000 });

  // Looked up first, so that the pause follows the first checkpoint at once.
  const pausedNode = (await fixture.cluster.leaders(topic))[0];
  const killed = new JobRun(env);
  await killed.checkpointed(1);
  // The leader of partition 0 stops answering: its partitions' acks stall while the others' go
  // on, far out of order, until Kafka moves the leadership and the job's retries get through. A
  // checkpoint that followed the highest ack instead of the acked prefix would pass the stalled
  // rows, and the kill would lose those still in the producer's buffer.
  fixture.cluster.pause(pausedNode);
  try {
    await killed.checkpointed(3);
    killed.child.kill('SIGKILL');
    expect(await killed.exited).toEqual({ code: null, signal: 'SIGKILL' });
  } finally {
    fixture.cluster.resume(pausedNode);
  }
  await fixture.cluster.waitForFullIsr(topic, 120_000);
  const checkpoint = await savedCheckpoint(job);
  const printed = killed.checkpoints();
  // The job prints a checkpoint once PostgreSQL committed it; a later write may have committed
  // without being printed, never an earlier one.
  expect(checkpoint).toBeGreaterThanOrEqual(printed[printed.length - 1]);
  expect(checkpoint).toBeLessThan(MAX_ID); // killed mid-run: something is left for the restart

  const resumed = new JobRun(env);
  expect(await resumed.exited).toEqual({ code: 0, signal: null });
  expect(resumed.lines[0]).toBe(`start run=${resumed.runId} job=${job} after=${checkpoint}`);
  expect(resumed.lines[resumed.lines.length - 1]).toBe(`done rows=${ids.filter((id) => id > checkpoint).length} checkpoint=${MAX_ID}`);
  expect(await savedCheckpoint(job)).toBe(MAX_ID);

  const duplicates = expectAtLeastOnce(await readTopic(topic), killed.runId, resumed.runId, checkpoint);
  // The window: what the killed run had sent past its saved checkpoint — the records in its 1 MiB
  // buffer (each value alone is over 50 bytes), up to 1024 being serialized, and the acks of at
  // most two checkpoint intervals (one being written, one waiting): not the table.
  expect(duplicates.every((id) => id > checkpoint)).toBe(true);
  expect(duplicates.length).toBeLessThan(2 * 2000 + 1024 + (1 << 20) / 50);
}, 600_000);

test('Kafka unavailable mid-run: the job stops with an error naming a row, its checkpoint behind acked rows only; restarted, it completes', async () => {
  const { cluster } = fixture;
  const topic = await fixture.newTopic(PARTITIONS);
  const job = `loss-${topic}`;
  // Fail fast: a record not acked within 10 s fails its stream (the default is 2 minutes).
  const env = jobEnv(topic, job, { requestTimeoutMs: 3000, deliveryTimeoutMs: 10_000, maxBlockMs: 10_000 });

  const failed = new JobRun(env);
  await failed.checkpointed(2);
  for (const id of cluster.ids()) cluster.pause(id);
  let result: { code: number | null; signal: NodeJS.Signals | null };
  try {
    result = await failed.exited;
  } finally {
    for (const id of cluster.ids()) cluster.resume(id);
  }
  expect(result).toEqual({ code: 1, signal: null });
  expect(failed.stderr).toMatch(/^the ETL job stopped at row \d+: /m);
  const checkpoint = await savedCheckpoint(job);
  expect(failed.stderr).toContain(`checkpoint left at ${checkpoint} `);
  expect(checkpoint).toBeLessThan(MAX_ID);
  await cluster.waitForFullIsr(topic, 120_000);

  const resumed = new JobRun(env);
  expect(await resumed.exited).toEqual({ code: 0, signal: null });
  expect(resumed.lines[0]).toBe(`start run=${resumed.runId} job=${job} after=${checkpoint}`);
  expectAtLeastOnce(await readTopic(topic), failed.runId, resumed.runId, checkpoint);
}, 600_000);
