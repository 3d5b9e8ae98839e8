// Issue 10, the launcher itself (test/support/KafkaCluster.ts, Kafka 4.x only): a single node
// starts and serves; on three nodes, kill -9, SIGSTOP/SIGCONT and a clean stop do to Metadata,
// leadership and the ISR what they do to a real cluster, and each node comes back in sync. Bad
// input fails setup with a message saying which and what to do, never a hang: a release whose
// jars are not fetched, a listener port already taken. No JVM a test started outlives stop(), nor
// a starter killed outright.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { from, lastValueFrom, toArray } from 'rxjs';
import { toKafka } from '../../operators';
import { kafkaClusterFixture } from '../support/kafkaFixture';
import { KafkaCluster } from '../support/KafkaCluster';
import { kcatConsume } from '../support/kcat';
import { delivered } from '../support/readBack';
import { sleep, unusedPort } from '../support/wait';

const fixture = kafkaClusterFixture('cluster', { nodes: 3 });

/** Polls `probe` every 250 ms until it returns true; fails with `what` after timeoutMs. */
async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** Whether a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of JVMs kafka.sh started (-Drxkafka.test.kafka) whose ancestors include `root`. */
function testJvmsUnder(root: number): number[] {
  const parent = new Map<number, number>();
  const jvms: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces, so read after its closing parenthesis.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('-Drxkafka.test.kafka=1')) jvms.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return jvms.filter((pid) => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true;
    return false;
  });
}

test('a single node starts and serves: Metadata lists it, a topic of RF 1 takes records, kcat reads them; stop() leaves no JVM', async () => {
  const single = await KafkaCluster.start({ nodes: 1 });
  let pids: number[] = [];
  try {
    pids = [...single.pids().values()];
    expect(pids).toHaveLength(1);
    expect((await single.metadata()).brokers.map((b) => b.id)).toEqual([1]);
    await single.createTopic('single', 2);
    expect((await single.partitions('single')).map((p) => p.replicas)).toEqual([[1], [1]]);
    const acks = delivered(await lastValueFrom(from(Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, meta: i }))).pipe(toKafka({ brokers: single.bootstrap, topic: 'single' }), toArray())));
    expect(acks).toHaveLength(100);
    expect((await kcatConsume(single.bootstrap, 'single')).map((r) => r.value).sort()).toEqual(Array.from({ length: 100 }, (_, i) => `v${i}`).sort());
  } finally {
    await single.stop();
  }
  expect(pids.filter(alive)).toEqual([]);
  expect(fs.existsSync(single.dir)).toBe(false);
});

test('a starter killed outright (as a crashed jest worker) takes its JVMs with it: kafka.sh ends them when its stdin closes; the next start removes its data folder', async () => {
  const root = path.resolve(__dirname, '..', '..');
  const starter = spawn('node', ['-r', './test/soak/register.js', 'test/support/startAndHang.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let started: { dir: string; pids: number[] } | undefined;
  try {
    started = await new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      starter.stdout.on('data', (b: Buffer) => {
        out += b.toString('utf8');
        const m = /^started (.*)$/m.exec(out);
        if (m) resolve(JSON.parse(m[1]));
      });
      starter.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
      starter.on('close', (code) => reject(new Error(`the starter exited (${code}) before its cluster started: ${err}`)));
    });
    expect(started!.pids).toHaveLength(1);
    expect(started!.pids.every(alive)).toBe(true);
  } finally {
    starter.kill('SIGKILL');
  }
  // No exit hook runs on SIGKILL: only the pipe's end tells kafka.sh.
  await eventually('the JVM of a killed starter exits', async () => !started!.pids.some(alive), 30_000);
  // No exit hook removed its folder either: the next cluster to start does, its owner being gone.
  expect(fs.existsSync(started!.dir)).toBe(true);
  const next = await KafkaCluster.start({ nodes: 1 });
  try {
    expect(fs.existsSync(started!.dir)).toBe(false);
    expect(fs.existsSync(next.dir)).toBe(true);
  } finally {
    await next.stop();
  }
});

describe('three nodes', () => {
  /** A fresh 6-partition topic with every replica in sync, and the leader of its partition 0. */
  async function topicAndLeader(): Promise<{ cluster: KafkaCluster; topic: string; victim: number; pid: number }> {
    const { cluster } = fixture;
    const topic = await fixture.newTopic(6);
    await cluster.waitForFullIsr(topic);
    const victim = (await cluster.leaders(topic))[0];
    return { cluster, topic, victim, pid: cluster.pids().get(victim)! };
  }

  /** Waits until every partition of `topic` has a leader other than `victim`. */
  function untilLeadsNothing(cluster: KafkaCluster, topic: string, victim: number): Promise<void> {
    return eventually(`node ${victim} leads no partition of ${topic}`, async () => (await cluster.leaders(topic)).every((l) => l > 0 && l !== victim));
  }

  test('kill -9 of a node: Metadata drops it and its partitions get other leaders; restarted, it is back in every ISR', async () => {
    const { cluster, topic, victim, pid } = await topicAndLeader();
    await cluster.kill(victim);
    expect(alive(pid)).toBe(false);
    // The controller fences it once its session lapses (broker.session.timeout.ms, 9 s by default).
    await eventually(`Metadata drops node ${victim}`, async () => !(await cluster.metadata()).brokers.some((b) => b.id === victim));
    await untilLeadsNothing(cluster, topic, victim);
    const isr = await cluster.partitions(topic);
    expect(isr.every((p) => !p.isr.includes(victim))).toBe(true);
    await cluster.restart(victim);
    expect(cluster.pids().get(victim)).not.toBe(pid);
    await cluster.waitForFullIsr(topic);
  });

  test('SIGSTOP: the node stops answering and is fenced, its leaderships move; SIGCONT: it answers again and rejoins every ISR', async () => {
    const { cluster, topic, victim, pid } = await topicAndLeader();
    cluster.pause(victim);
    try {
      expect(alive(pid)).toBe(true);
      await expect(cluster.metadata(undefined, cluster.address(victim))).rejects.toThrow(/kcat -L failed/);
      await untilLeadsNothing(cluster, topic, victim);
    } finally {
      cluster.resume(victim);
    }
    await eventually(`node ${victim} answers Metadata again`, async () => (await cluster.metadata(undefined, cluster.address(victim))).brokers.some((b) => b.id === victim));
    await cluster.waitForFullIsr(topic);
  });

  test("a clean stop (SIGTERM, controlled shutdown): the node exits, its leaderships move; restarted, it is back in sync", async () => {
    const { cluster, topic, victim, pid } = await topicAndLeader();
    await cluster.stopNode(victim);
    expect(alive(pid)).toBe(false);
    expect(cluster.isRunning(victim)).toBe(false);
    // Controlled shutdown hands the leaderships over before the node exits (the others' Metadata
    // may take a moment to show it).
    await untilLeadsNothing(cluster, topic, victim);
    await cluster.restart(victim);
    await cluster.waitForFullIsr(topic);
    expect((await cluster.metadata()).brokers.map((b) => b.id).sort()).toEqual([1, 2, 3]);
  });
});

describe('bad input fails setup, saying what to do', () => {
  test('a release whose jars are not fetched fails at once, naming test/kafka/setup.sh', async () => {
    await expect(KafkaCluster.start({ nodes: 1, version: '0.0.1-not-fetched' })).rejects.toThrow(/0\.0\.1-not-fetched.*not fetched.*test\/kafka\/setup\.sh/);
  });

  test("a listener port already taken fails start with the node's own reason (not a hang), and leaves no JVM", async () => {
    // Accepts and drops at once: a probe (kcat -L) gets no answer, and close() has no connection to wait for.
    const blocker = net.createServer((socket) => socket.destroy());
    const port = await unusedPort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    const before = new Set(testJvmsUnder(process.pid));
    try {
      await expect(KafkaCluster.start({ nodes: 1, plaintextPorts: [port] })).rejects.toThrow(new RegExp(`exited \\(1\\) while starting: .*failed to bind to 127\\.0\\.0\\.1:${port}: Address already in use`));
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    // The fixture's nodes are this worker's too: only new ones would be left over.
    expect(testJvmsUnder(process.pid).filter((pid) => !before.has(pid))).toEqual([]);
  });
});
