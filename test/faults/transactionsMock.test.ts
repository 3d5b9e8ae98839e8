// The strict 2.12 mock's transactions (test/broker/transactions.patch), proven with clients nobody
// here wrote: librdkafka 2.12's own transactional producer (test/broker/txn-producer.c) writes;
// kcat (librdkafka 2.0.2, Fetch v11, CRC-checked), librdkafka 2.12's consumer (txn-reader.c, Fetch
// v16: the flexible encoding of the aborted transactions) and kafka-python read back.
//  - read_committed sees committed transactions only, in order; read_uncommitted sees every data
//    record, with one offset (the commit or abort marker) after each transaction on each partition;
//  - while a transaction is open, read_committed stops at its first offset (the last stable
//    offset), hiding also the records other producers wrote after it, until it is committed or
//    aborted;
//  - a new producer with the same transactional.id fences the previous one and aborts the
//    transaction it left open;
//  - a transactional batch on a partition its producer did not add is refused (INVALID_TXN_STATE).
import { ChildProcessWithoutNullStreams, execFile, spawn } from 'child_process';
import * as path from 'path';
import { ConsumedRecord, kafkaPythonConsume, kcatConsume, kcatProduce } from '../support/kcat';
import { MockCluster } from '../support/MockCluster';
import { rawProduce } from '../support/rawProduce';

const INVALID_TXN_STATE = 48;
const toolsDir = path.resolve(__dirname, '..', '..', '.cache', 'broker', 'mock-2.12');
const txnProducerBin = path.join(toolsDir, 'txn-producer');

let cluster: MockCluster;

beforeAll(async () => {
  cluster = await MockCluster.start({ brokers: 3, version: '2.12' });
});

afterAll(async () => {
  await cluster?.stop();
});

/** librdkafka's transactional producer: c1 committed, a1 aborted, c2 committed (txn-producer.c). */
class TxnProducer {
  private readonly child: ChildProcessWithoutNullStreams;
  private stdout = '';
  private stderr = '';
  private readonly exited: Promise<number | null>;
  private lineWaiters: Array<() => void> = [];

  constructor(topic: string, partitions: number, n: number, open: boolean, transactionalId = `txn-${topic}`) {
    const args = [cluster.bootstrap, topic, transactionalId, String(partitions), String(n)];
    this.child = spawn(txnProducerBin, open ? [...args, 'open'] : args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (b: Buffer) => {
      this.stdout += b.toString('utf8');
      for (const w of this.lineWaiters.splice(0)) w();
    });
    this.child.stderr.on('data', (b: Buffer) => (this.stderr += b.toString('utf8')));
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
    void this.exited.then(() => {
      for (const w of this.lineWaiters.splice(0)) w();
    });
  }

  /** Resolves once the producer printed `line`; rejects if it exits first. */
  async waitFor(line: string): Promise<void> {
    let done = false;
    void this.exited.then(() => (done = true));
    while (!this.stdout.split('\n').includes(line)) {
      if (done) throw new Error(`txn-producer exited before '${line}': ${this.stderr.trim()}`);
      await new Promise<void>((resolve) => this.lineWaiters.push(resolve));
    }
  }

  /** Ends the open transaction (`commit` or `abort`) and waits for a clean exit. */
  async end(how: 'commit' | 'abort'): Promise<void> {
    this.child.stdin.end(`${how}\n`);
    await this.finished();
  }

  async finished(): Promise<void> {
    const code = await this.exited;
    if (code !== 0 || !this.stdout.includes('DONE')) throw new Error(`txn-producer exited ${code}: ${this.stderr.trim()}`);
  }
}

let topicSeq = 0;
async function newTopic(partitions: number): Promise<string> {
  const name = `txn-mock-${++topicSeq}`;
  await cluster.createTopic(name, partitions, 1);
  return name;
}

type Isolation = 'read_committed' | 'read_uncommitted';
type Read = Array<Pick<ConsumedRecord, 'partition' | 'offset' | 'value'>>;

function read(topic: string, isolation: Isolation): Promise<ConsumedRecord[]> {
  return kcatConsume(cluster.bootstrap, topic, { isolation });
}

/** The same with librdkafka 2.12's consumer (txn-reader.c); values must have no space or newline. */
function read212(topic: string, partitions: number, isolation: Isolation): Promise<Read> {
  const args = [cluster.bootstrap, topic, String(partitions), isolation];
  return new Promise((resolve, reject) => {
    execFile(path.join(toolsDir, 'txn-reader'), args, { timeout: 40000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`txn-reader: ${err.message} ${stderr.trim()}`));
      const records = stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const [p, o, value] = l.split(' ');
          return { partition: Number(p), offset: BigInt(o), value };
        });
      // Per partition in offset order, as the other readers return them.
      resolve(records.sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0)));
    });
  });
}

/** Values per partition, in offset order (the readers sort by partition, then offset). */
function valuesOf(records: Read, partition: number): string[] {
  return records.filter((r) => r.partition === partition).map((r) => r.value!);
}

/** The values txn-producer writes to `partition` in the transaction tagged `tag`. */
function tagged(tag: string, n: number, partitions: number, partition: number): string[] {
  return Array.from({ length: n }, (_, k) => k)
    .filter((k) => k % partitions === partition)
    .map((k) => `${tag}-${k}`);
}

describe('transactions on the strict 2.12 mock (librdkafka transactional producer, kcat)', () => {
  it('read_committed reads the committed transactions only, in order; read_uncommitted reads every record', async () => {
    const partitions = 3;
    const n = 30;
    const topic = await newTopic(partitions);
    await new TxnProducer(topic, partitions, n, false).finished();

    const committed = await read(topic, 'read_committed');
    const uncommitted = await read(topic, 'read_uncommitted');
    const python = await kafkaPythonConsume(cluster.bootstrap, topic);
    const committed212 = await read212(topic, partitions, 'read_committed');
    const uncommitted212 = await read212(topic, partitions, 'read_uncommitted');
    for (let p = 0; p < partitions; p++) {
      const [c1, a1, c2] = ['c1', 'a1', 'c2'].map((tag) => tagged(tag, n, partitions, p));
      expect(valuesOf(committed, p)).toEqual([...c1, ...c2]);
      expect(valuesOf(committed212, p)).toEqual([...c1, ...c2]);
      expect(valuesOf(uncommitted, p)).toEqual([...c1, ...a1, ...c2]);
      expect(valuesOf(uncommitted212, p)).toEqual([...c1, ...a1, ...c2]);
      expect(valuesOf(python, p)).toEqual([...c1, ...a1, ...c2]);
      // One marker offset after each transaction: c1 at 0.., a1 after c1's commit marker, c2 after
      // a1's abort marker.
      const m = c1.length;
      const offsets = uncommitted.filter((r) => r.partition === p).map((r) => Number(r.offset));
      expect(offsets).toEqual([
        ...Array.from({ length: m }, (_, i) => i),
        ...Array.from({ length: m }, (_, i) => m + 1 + i),
        ...Array.from({ length: m }, (_, i) => 2 * m + 2 + i),
      ]);
    }
    expect(committed.some((r) => r.value!.startsWith('a1-'))).toBe(false);
  });

  for (const how of ['commit', 'abort'] as const) {
    it(`read_committed stops at an open transaction's first offset until it is ${how === 'commit' ? 'committed' : 'aborted'}`, async () => {
      const n = 4;
      const topic = await newTopic(1);
      const producer = new TxnProducer(topic, 1, n, true);
      try {
        await producer.waitFor('OPEN');
        // Another, non-transactional producer writes after the open transaction's records.
        await kcatProduce(cluster.bootstrap, topic, ['late'], undefined, { partition: 0 });
        const [c1, a1, c2, o] = ['c1', 'a1', 'c2', 'o'].map((tag) => tagged(tag, n, 1, 0));

        expect(valuesOf(await read(topic, 'read_committed'), 0)).toEqual([...c1, ...c2]);
        expect(valuesOf(await read212(topic, 1, 'read_committed'), 0)).toEqual([...c1, ...c2]);
        expect(valuesOf(await read(topic, 'read_uncommitted'), 0)).toEqual([...c1, ...a1, ...c2, ...o, 'late']);

        await producer.end(how);
        const after = how === 'commit' ? [...c1, ...c2, ...o, 'late'] : [...c1, ...c2, 'late'];
        expect(valuesOf(await read(topic, 'read_committed'), 0)).toEqual(after);
        expect(valuesOf(await read212(topic, 1, 'read_committed'), 0)).toEqual(after);
        expect(valuesOf(await read(topic, 'read_uncommitted'), 0)).toEqual([...c1, ...a1, ...c2, ...o, 'late']);
      } finally {
        await producer.end('abort').catch(() => undefined);
      }
    });
  }

  it('a new producer with the same transactional.id fences the previous one and aborts its open transaction', async () => {
    const n = 4;
    const [first, second] = [await newTopic(1), await newTopic(1)];
    const old = new TxnProducer(first, 1, n, true, 'shared-id');
    try {
      await old.waitFor('OPEN');
      const [c1, c2] = ['c1', 'c2'].map((tag) => tagged(tag, n, 1, 0));
      expect(valuesOf(await read(first, 'read_committed'), 0)).toEqual([...c1, ...c2]);

      // Its init_transactions aborts the open transaction on `first`: a plain record written after
      // that is readable at read_committed (the last stable offset moved on), the aborted ones not.
      await new TxnProducer(second, 1, n, false, 'shared-id').finished();
      await kcatProduce(cluster.bootstrap, first, ['late'], undefined, { partition: 0 });
      expect(valuesOf(await read(first, 'read_committed'), 0)).toEqual([...c1, ...c2, 'late']);
      expect(valuesOf(await read212(first, 1, 'read_committed'), 0)).toEqual([...c1, ...c2, 'late']);
      expect(valuesOf(await read(second, 'read_committed'), 0)).toEqual([...c1, ...c2]);

      // The previous producer is fenced: its commit fails, and nothing of it becomes visible.
      await expect(old.end('commit')).rejects.toThrow(/fenced/i);
      expect(valuesOf(await read(first, 'read_committed'), 0)).toEqual([...c1, ...c2, 'late']);
    } finally {
      await old.end('abort').catch(() => undefined);
    }
  });

  it('refuses a transactional batch on a partition its producer did not add to a transaction', async () => {
    const topic = await newTopic(1);
    await cluster.setLeader(topic, 0, 1);
    const value = (v: string) => [{ key: null, value: Buffer.from(v) }];
    const opts = { producerId: 777n, producerEpoch: 0, baseSequence: 0 };
    expect((await rawProduce(cluster.brokers[0], topic, 0, value('t'), { ...opts, transactional: true })).errorCode).toBe(INVALID_TXN_STATE);
    // The same producer's plain batch is fine, and only it is in the log.
    expect((await rawProduce(cluster.brokers[0], topic, 0, value('plain'), opts)).errorCode).toBe(0);
    expect(valuesOf(await read(topic, 'read_uncommitted'), 0)).toEqual(['plain']);
  });
});
