// The test harness itself, on the mock version this jest project selects (RXKAFKA_MOCK_VERSION):
// the launcher answers its commands and they take effect, and the independent readers return
// exactly what was written and refuse corrupt batches. Uses kcat and a raw Produce fixture only.
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import { promisify } from 'util';
import { ApiKey, ErrorCode, MockCluster, launcherPath } from '../support/MockCluster';
import { kafkaPythonConsume, kcatConsume, kcatProduce } from '../support/kcat';
import { rawProduce } from '../support/rawProduce';

const execFileP = promisify(execFile);

/** Alive and not a zombie (an orphan's zombie lingers if PID 1 does not reap it). */
function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

function canConnect(hostPort: string): Promise<boolean> {
  const i = hostPort.lastIndexOf(':');
  return new Promise((resolve) => {
    const s = net.connect({ host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

interface KcatMetadata {
  brokers: Array<{ id: number; name: string }>;
  topics: Array<{ topic: string; partitions: Array<{ partition: number; leader: number }> }>;
}

async function kcatMetadata(bootstrap: string, topic: string): Promise<KcatMetadata> {
  const { stdout } = await execFileP('kcat', ['-L', '-J', '-b', bootstrap, '-t', topic], { timeout: 30000 });
  return JSON.parse(stdout) as KcatMetadata;
}

const expectedVersion = process.env.RXKAFKA_MOCK_VERSION ?? '2.12';

describe(`mock cluster ${expectedVersion}`, () => {
  let cluster: MockCluster;

  beforeAll(async () => {
    cluster = await MockCluster.start({ brokers: 3 });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('runs the librdkafka version its project asks for, with brokers 1..3 in id order', async () => {
    expect(cluster.version).toBe(expectedVersion);
    const { stdout } = await execFileP(launcherPath(cluster.version), ['--version']);
    expect(stdout.trim()).toBe(expectedVersion === '2.12' ? '2.12.0' : '2.0.2');

    await cluster.createTopic('ids', 1);
    const md = await kcatMetadata(cluster.bootstrap, 'ids');
    const byId = md.brokers.map((b) => [b.id, b.name]).sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(byId).toEqual(cluster.brokers.map((hostPort, i) => [i + 1, hostPort]));
  });

  it('round-trips keyed records through kcat -P and kcatConsume on a 6-partition topic', async () => {
    await cluster.createTopic('keyed', 6, 1);
    const md = await kcatMetadata(cluster.bootstrap, 'keyed');
    expect(md.topics[0].partitions).toHaveLength(6);

    const lines = Array.from({ length: 30 }, (_, i) => `key-${i % 10}:value-${i}`);
    await kcatProduce(cluster.bootstrap, 'keyed', lines, ':', { headers: { source: 'kcat' } });

    const records = await kcatConsume(cluster.bootstrap, 'keyed');
    expect(records.map((r) => `${r.key}:${r.value}`).sort()).toEqual([...lines].sort());
    // Same key, same partition; offsets per partition are 0..n-1 and the list is sorted.
    const partitionOfKey = new Map<string, number>();
    const nextOffset = new Map<number, bigint>();
    for (const r of records) {
      expect(partitionOfKey.get(r.key!) ?? r.partition).toBe(r.partition);
      partitionOfKey.set(r.key!, r.partition);
      expect(r.offset).toBe(nextOffset.get(r.partition) ?? 0n);
      nextOffset.set(r.partition, r.offset + 1n);
      expect(r.headers).toEqual([['source', 'kcat']]);
      expect(r.timestampType).toBe('create');
      expect(Math.abs(r.timestamp - Date.now())).toBeLessThan(60_000);
    }
    expect(new Set(records.map((r) => r.partition)).size).toBeGreaterThan(1);
    // Values of one key keep their produce order within the partition.
    const key0 = records.filter((r) => r.key === 'key-0').map((r) => r.value);
    expect(key0).toEqual(['value-0', 'value-10', 'value-20']);
  });

  it('returns exact bytes, null vs empty keys and values, and headers, from both readers', async () => {
    await cluster.createTopic('bytes', 1);
    await cluster.setLeader('bytes', 0, 1);
    const binary = Buffer.from([0xff, 0x00, 0xfe, 0x0a, 0x80]);
    const res = await rawProduce(cluster.brokers[0], 'bytes', 0, [
      { key: binary, value: Buffer.from('v\nwith newline'), headers: [['h1', Buffer.from('a=b,c')], ['h2', null]] },
      { key: null, value: null },
      { key: Buffer.alloc(0), value: Buffer.alloc(0) },
      { key: Buffer.from('k'), value: binary },
    ]);
    expect(res).toEqual({ errorCode: 0, baseOffset: 0n });

    for (const read of [kcatConsume, kafkaPythonConsume]) {
      const records = await read(cluster.bootstrap, 'bytes');
      expect(records.map((r) => r.offset)).toEqual([0n, 1n, 2n, 3n]);
      expect(records[0].keyBytes).toEqual(binary);
      expect(records[0].value).toBe('v\nwith newline');
      expect(records[0].headers).toEqual([['h1', 'a=b,c'], ['h2', null]]);
      expect([records[1].keyBytes, records[1].valueBytes]).toEqual([null, null]);
      expect([records[2].keyBytes, records[2].valueBytes]).toEqual([Buffer.alloc(0), Buffer.alloc(0)]);
      expect(records[3].valueBytes).toEqual(binary);
    }
  });

  it('both readers reject a batch with a wrong CRC (stored by the stock 2.0.2 mock; the strict 2.12 broker refuses it)', async () => {
    // The readers must be proven on bytes the broker stored as sent: the stock mock checks no
    // CRC, so a corrupt batch reaches them. The strict broker refuses it as Kafka does
    // (CORRUPT_MESSAGE); test/faults/strictBroker.test.ts covers that side.
    const stock = expectedVersion === '2.0.2' ? cluster : await MockCluster.start({ brokers: 1, version: '2.0.2' });
    try {
      await stock.createTopic('corrupt', 1);
      await stock.setLeader('corrupt', 0, 1);
      const good = await rawProduce(stock.brokers[0], 'corrupt', 0, [{ key: null, value: Buffer.from('good') }]);
      const bad = await rawProduce(stock.brokers[0], 'corrupt', 0, [{ key: null, value: Buffer.from('bad') }], { corruptCrc: true });
      expect([good.errorCode, bad.errorCode]).toEqual([0, 0]);
      await expect(kcatConsume(stock.bootstrap, 'corrupt')).rejects.toThrow(/CRC/);
      await expect(kafkaPythonConsume(stock.bootstrap, 'corrupt')).rejects.toThrow(/CRC/);
    } finally {
      if (stock !== cluster) await stock.stop();
    }
  });

  it('injects errors into the next requests of an API, then answers normally', async () => {
    await cluster.createTopic('faults', 1);
    await cluster.setLeader('faults', 0, 3);
    const broker3 = cluster.brokers[2];
    const record = [{ key: null, value: Buffer.from('x') }];

    await cluster.pushErrors(ApiKey.Produce, [ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.NOT_ENOUGH_REPLICAS]);
    expect((await rawProduce(broker3, 'faults', 0, record)).errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect((await rawProduce(broker3, 'faults', 0, record)).errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
    expect((await rawProduce(broker3, 'faults', 0, record)).errorCode).toBe(0); // offset 0

    await cluster.pushErrors(ApiKey.Produce, [ErrorCode.NOT_ENOUGH_REPLICAS]);
    await cluster.clearErrors(ApiKey.Produce);
    expect((await rawProduce(broker3, 'faults', 0, record)).errorCode).toBe(0); // offset 1

    // -195 closes the connection instead of answering; nothing is appended.
    await cluster.pushErrors(ApiKey.Produce, [ErrorCode.CLOSE_CONNECTION]);
    await expect(rawProduce(broker3, 'faults', 0, record, { requestTimeoutMs: 3000 })).rejects.toThrow(/closed/);
    expect((await rawProduce(broker3, 'faults', 0, record)).errorCode).toBe(0); // offset 2

    // A produce to a broker that does not lead the partition is refused by the mock itself.
    expect((await rawProduce(cluster.brokers[0], 'faults', 0, record)).errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);

    await cluster.pushBrokerErrors(3, ApiKey.Produce, [{ code: ErrorCode.REQUEST_TIMED_OUT, rttMs: 300 }]);
    const started = Date.now();
    expect((await rawProduce(broker3, 'faults', 0, record)).errorCode).toBe(ErrorCode.REQUEST_TIMED_OUT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    // Mock quirk: broker 3 now has its own (empty) Produce error stack, which shadows the
    // cluster-wide one — cluster-wide errors no longer reach it (offset 3).
    await cluster.pushErrors(ApiKey.Produce, [ErrorCode.NOT_ENOUGH_REPLICAS]);
    expect((await rawProduce(broker3, 'faults', 0, record)).errorCode).toBe(0);
    await cluster.clearErrors(ApiKey.Produce);

    // acks=0: the mock answers anyway (a real broker would not), and appends (offset 4).
    expect(await rawProduce(broker3, 'faults', 0, record, { acks: 0 })).toEqual({ errorCode: 0, baseOffset: 4n });

    expect((await kcatConsume(cluster.bootstrap, 'faults')).map((r) => r.offset)).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  it('refuses what the mock would silently ignore or cannot do, with the reason', async () => {
    await expect(cluster.pushErrors(ApiKey.Metadata, [ErrorCode.LEADER_NOT_AVAILABLE])).rejects.toThrow(/Metadata/);
    await expect(cluster.pushBrokerErrors(9, ApiKey.Produce, [{ code: 6, rttMs: 0 }])).rejects.toThrow(/UNKNOWN_BROKER/);
    await expect(cluster.brokerDown(9)).rejects.toThrow(/BROKER_NOT_AVAILABLE/);
    await expect(cluster.setLeader('ids', 5, 1)).rejects.toThrow(/UNKNOWN_TOPIC_OR_PART/); // 'ids' has 1 partition
    await expect(cluster.createTopic('has space', 1)).rejects.toThrow(/whitespace/);
    // The cluster still answers after refusals.
    await cluster.setRtt(1, 0);
    await cluster.setTopicError('ids', 0);
    await cluster.setApiVersion(ApiKey.Produce, 0, expectedVersion === '2.12' ? 10 : 7);
  });

  it('takes a broker down (connections refused, gone from metadata) and brings it back', async () => {
    const broker2 = cluster.brokers[1];
    expect(await canConnect(broker2)).toBe(true);
    await cluster.brokerDown(2);
    expect(await canConnect(broker2)).toBe(false);
    // 2.12 leaves a down broker out of Metadata; 2.0.2 keeps listing it.
    const md = await kcatMetadata(cluster.brokers[0], 'ids');
    expect(md.brokers.map((b) => b.id).sort()).toEqual(expectedVersion === '2.12' ? [1, 3] : [1, 2, 3]);
    await cluster.brokerUp(2);
    expect(await canConnect(broker2)).toBe(true);
  });
});

describe('mock cluster lifetime', () => {
  it('stop() leaves no child process, and later commands reject', async () => {
    const cluster = await MockCluster.start({ brokers: 1 });
    const pid = cluster.pid!;
    expect(isRunning(pid)).toBe(true);
    await cluster.stop();
    expect(isRunning(pid)).toBe(false);
    expect(await canConnect(cluster.brokers[0])).toBe(false);
    await expect(cluster.createTopic('late', 1)).rejects.toThrow(/stopped/);
    await cluster.stop(); // idempotent
  });

  it('the launcher exits by itself when the process that started it is killed', async () => {
    // A parent that starts a launcher and is then SIGKILLed, with no chance to clean up.
    const parent = spawn(
      process.execPath,
      ['-e', `const c = require('child_process').spawn(process.argv[1], ['--brokers', '1'], { stdio: ['pipe', 'pipe', 'inherit'] });
              c.stdout.once('data', () => console.log(c.pid));
              setInterval(() => {}, 1000);`, launcherPath(expectedVersion as '2.0.2' | '2.12')],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const launcherPid = await new Promise<number>((resolve) => parent.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))));
    expect(isRunning(launcherPid)).toBe(true);
    parent.kill('SIGKILL');
    expect(await waitUntil(() => !isRunning(launcherPid), 5000)).toBe(true);
  });
});
