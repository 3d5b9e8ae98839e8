/**
 * A real Apache Kafka cluster on loopback for the tests (KRaft, every node both broker and
 * controller), from the jars test/kafka/setup.sh fetched, run by test/kafka/kafka.sh.
 *
 * ```ts
 * const kafka = await KafkaCluster.start({ nodes: 3 });
 * await kafka.createTopic('orders', 6);           // RF 3, min.insync.replicas 2 (TopicCommand)
 * const leader = (await kafka.leaders('orders'))[0];
 * await kafka.kill(leader);                          // kill -9; restart(leader) brings it back
 * // … produce to kafka.bootstrap, read back with consoleConsume(kafka, 'orders') or kcatConsume
 * await kafka.stop();
 * ```
 *
 * Nodes are 1..N; `brokers[id - 1]` is node id's PLAINTEXT "host:port". Each cluster takes its own
 * free loopback ports and a fresh data folder under the temporary directory, so files may run in
 * parallel. The cluster is as the suite wants every topic: auto-creation off, unclean leader
 * election off, min.insync.replicas 2 (1 on a single node), internal topics replicated 3 times.
 *
 * Ready means Metadata (asked with kcat, not with rxkafka) lists every running node.
 *
 * No JVM outlives us: stop() ends them, a process 'exit' hook kills any left, and kafka.sh kills
 * its JVM when its stdin (our pipe) closes, which covers a jest worker killed outright.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kcatEndOffsetSum } from './cliProcess';
import { retry, sleep, unusedPort } from './wait';
import { forget, killOnExit } from './killOnExit';

const ROOT = path.resolve(__dirname, '..', '..');
/** test/kafka/kafka.sh, for helpers that run a tool their own way (e.g. the console consumer's binary output). */
export const KAFKA_SH = path.join(ROOT, 'test', 'kafka', 'kafka.sh');

/** The release the suite runs on unless RXKAFKA_KAFKA_VERSION names another (test/kafka/versions.sh). */
export function defaultKafkaVersion(): string {
  const env = process.env.RXKAFKA_KAFKA_VERSION;
  if (env) return env;
  const text = fs.readFileSync(path.join(ROOT, 'test', 'kafka', 'versions.sh'), 'utf8');
  const m = /^kafka_default_version=(\S+)/m.exec(text);
  if (!m) throw new Error('test/kafka/versions.sh names no kafka_default_version');
  return m[1];
}

/** Extra listeners beside PLAINTEXT, for the security tests. */
export interface SecurityListeners {
  /**
   * PEM files of the brokers' certificate and key, for SSL and SASL_SSL, and of the CA their trust
   * store holds. The key unencrypted PKCS#8 ('BEGIN PRIVATE KEY', as openssl req -nodes writes it;
   * EC P-256 keys are fine). `requireClientCert`: ssl.client.auth=required (the SSL listener's:
   * Kafka leaves SASL_SSL listeners to SASL unless the setting is prefixed with their name).
   */
  tls?: { certPath: string; keyPath: string; caPath: string; requireClientCert?: boolean };
  /** SASL mechanisms enabled on SASL_PLAINTEXT (and SASL_SSL when tls is given). */
  sasl?: {
    mechanisms: Array<'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'OAUTHBEARER'>;
    /** PLAIN users and, formatted into the storage, SCRAM users: name → password. */
    users: Record<string, string>;
    /** connections.max.reauth.ms on the SASL listeners (KIP-368); unset, sessions never expire. */
    reauthMs?: number;
  };
}

export interface KafkaClusterOptions {
  /** 3 (default) for replication and faults, 1 for the fast tests. */
  nodes?: number;
  version?: string;
  /** Broker properties added to (or replacing) the defaults, e.g. transaction.max.timeout.ms. */
  brokerConfig?: Record<string, string | number>;
  security?: SecurityListeners;
  /** The launcher's own tests: node i's PLAINTEXT port is plaintextPorts[i] instead of a free one. */
  plaintextPorts?: number[];
}

export type ListenerName = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';

export interface PartitionInfo {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

interface NodePorts {
  controller: number;
  listeners: Partial<Record<ListenerName, number>>;
}

interface RunningNode {
  child: ChildProcess;
  /** The JVM's pid (kafka.sh prints it): signals go to it, not to the wrapper. */
  pid: number;
  exited: Promise<number | string>;
  /** How it exited, once it has; null while it runs. */
  status: number | string | null;
  paused: boolean;
}

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
const TOOL_TIMEOUT_MS = 60_000;


/** In each data folder: the pid of the process that started the cluster. */
const OWNER_FILE = 'owner.pid';

/**
 * Removes the data folders of clusters whose starter is gone. Its JVMs died with it (kafka.sh
 * watches its stdin), but a starter ended by a signal runs no 'exit' hook, so its folder stays.
 */
function removeAbandonedDataFolders(): void {
  const tmp = os.tmpdir();
  for (const name of fs.readdirSync(tmp)) {
    if (!name.startsWith('rxkafka-kafka-')) continue;
    const dir = path.join(tmp, name);
    let owner: number;
    try {
      owner = Number(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue; // being created, or not ours to judge
    }
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one of kafka.sh's tools (topics, console-consumer, consumer-groups, …) to completion. */
export function kafkaTool(version: string, tool: string, args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'bash',
      [KAFKA_SH, '-v', version, tool, ...args],
      { timeout: opts.timeoutMs ?? TOOL_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 1 << 30, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err && (err as { killed?: boolean }).killed) {
          reject(new Error(`kafka.sh ${tool} ${args.join(' ')} timed out after ${opts.timeoutMs ?? TOOL_TIMEOUT_MS} ms: ${stderr.slice(-2000)}`));
          return;
        }
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

async function tool(version: string, name: string, args: string[], timeoutMs?: number): Promise<string> {
  const r = await kafkaTool(version, name, args, { timeoutMs });
  if (r.code !== 0) throw new Error(`kafka.sh ${name} ${args.join(' ')} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(-3000)}`);
  return r.stdout;
}

export class KafkaCluster {
  readonly version: string;
  readonly nodes: number;
  /** Comma-separated PLAINTEXT "host:port" list of every node. */
  readonly bootstrap: string;
  /** PLAINTEXT "host:port" per node, in id order: brokers[0] is node 1. */
  readonly brokers: string[];
  readonly dir: string;

  private readonly ports: NodePorts[];
  private readonly running = new Map<number, RunningNode>();
  private readonly security: SecurityListeners | undefined;
  private stopped = false;

  private constructor(version: string, dir: string, ports: NodePorts[], security: SecurityListeners | undefined) {
    this.version = version;
    this.nodes = ports.length;
    this.dir = dir;
    this.ports = ports;
    this.security = security;
    this.brokers = ports.map((p) => `127.0.0.1:${p.listeners.PLAINTEXT}`);
    this.bootstrap = this.brokers.join(',');
  }

  /** Formats the storage of every node, starts them, and waits until Metadata lists them all. */
  static async start(opts: KafkaClusterOptions = {}): Promise<KafkaCluster> {
    const version = opts.version ?? defaultKafkaVersion();
    const libs = path.join(ROOT, '.cache', 'kafka', version, 'libs', '.complete');
    if (!fs.existsSync(libs)) throw new Error(`Apache Kafka ${version}'s jars are not fetched: run bash test/kafka/setup.sh`);
    const nodes = opts.nodes ?? 3;
    const listenerNames: ListenerName[] = ['PLAINTEXT'];
    if (opts.security?.tls) listenerNames.push('SSL');
    if (opts.security?.sasl) listenerNames.push('SASL_PLAINTEXT');
    if (opts.security?.tls && opts.security.sasl) listenerNames.push('SASL_SSL');
    const ports: NodePorts[] = [];
    const taken = new Set<number>();
    const freshPort = async (): Promise<number> => {
      for (;;) {
        const p = await unusedPort();
        if (!taken.has(p)) {
          taken.add(p);
          return p;
        }
      }
    };
    for (let i = 0; i < nodes; i++) {
      const listeners: NodePorts['listeners'] = {};
      for (const l of listenerNames) listeners[l] = l === 'PLAINTEXT' && opts.plaintextPorts?.[i] !== undefined ? opts.plaintextPorts[i] : await freshPort();
      ports.push({ controller: await freshPort(), listeners });
    }
    removeAbandonedDataFolders();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxkafka-kafka-'));
    fs.writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));
    const cluster = new KafkaCluster(version, dir, ports, opts.security);
    try {
      await cluster.format(opts.brokerConfig ?? {});
      await Promise.all(cluster.ids().map((id) => cluster.launch(id)));
      await cluster.waitForBrokers(cluster.ids(), START_TIMEOUT_MS);
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** Node ids, 1..N. */
  ids(): number[] {
    return Array.from({ length: this.nodes }, (_, i) => i + 1);
  }

  /** "host:port" of node `id`'s listener `name` (SSL and SASL ones only with `security`). */
  address(id: number, name: ListenerName = 'PLAINTEXT'): string {
    const port = this.ports[id - 1]?.listeners[name];
    if (port === undefined) throw new Error(`node ${id} has no ${name} listener`);
    return `127.0.0.1:${port}`;
  }

  /** Every node's listener `name`, comma-separated, for a client's bootstrap. */
  bootstrapFor(name: ListenerName): string {
    return this.ids().map((id) => this.address(id, name)).join(',');
  }

  private configPath(id: number): string {
    return path.join(this.dir, `node-${id}.properties`);
  }

  logPath(id: number): string {
    return path.join(this.dir, `node-${id}.log`);
  }

  private async format(extra: Record<string, string | number>): Promise<void> {
    const voters = this.ports.map((p, i) => `${i + 1}@127.0.0.1:${p.controller}`).join(',');
    const rf = Math.min(3, this.nodes);
    for (const id of this.ids()) {
      const p = this.ports[id - 1];
      const names = Object.keys(p.listeners) as ListenerName[];
      const props: Record<string, string | number> = {
        'process.roles': 'broker,controller',
        'node.id': id,
        'controller.quorum.voters': voters,
        listeners: [...names.map((n) => `${n}://127.0.0.1:${p.listeners[n]}`), `CONTROLLER://127.0.0.1:${p.controller}`].join(','),
        'advertised.listeners': names.map((n) => `${n}://127.0.0.1:${p.listeners[n]}`).join(','),
        'controller.listener.names': 'CONTROLLER',
        'inter.broker.listener.name': 'PLAINTEXT',
        'listener.security.protocol.map': [...names.map((n) => `${n}:${n}`), 'CONTROLLER:PLAINTEXT'].join(','),
        'log.dirs': path.join(this.dir, `data-${id}`),
        'num.partitions': 1,
        'default.replication.factor': rf,
        'min.insync.replicas': Math.min(2, this.nodes),
        'offsets.topic.replication.factor': rf,
        'offsets.topic.num.partitions': 3,
        'transaction.state.log.replication.factor': rf,
        'transaction.state.log.min.isr': Math.min(2, this.nodes),
        'transaction.state.log.num.partitions': 3,
        'auto.create.topics.enable': 'false',
        'unclean.leader.election.enable': 'false',
        'group.initial.rebalance.delay.ms': 0,
        // A test node: few threads, small segments, no waiting on a clean shutdown that cannot happen.
        'num.network.threads': 2,
        'num.io.threads': 4,
        'log.segment.bytes': 64 * 1024 * 1024,
        'controlled.shutdown.enable': 'true',
        'socket.request.max.bytes': 104857600,
        ...this.securityProps(),
        ...extra,
      };
      fs.writeFileSync(this.configPath(id), Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
    }
    // Kafka's own ids never start with '-': the storage tool would read one as an option.
    const clusterId = randomBytes(16).toString('base64url').replace(/^-/, 'A');
    const scram: string[] = [];
    const sasl = this.security?.sasl;
    if (sasl) {
      for (const mech of sasl.mechanisms.filter((m) => m.startsWith('SCRAM-'))) {
        for (const [name, password] of Object.entries(sasl.users)) scram.push('--add-scram', `${mech}=[name=${name},password=${password}]`);
      }
    }
    await Promise.all(this.ids().map((id) => tool(this.version, 'storage', ['format', '-t', clusterId, '-c', this.configPath(id), ...scram])));
  }

  private securityProps(): Record<string, string | number> {
    const s = this.security;
    if (!s) return {};
    const props: Record<string, string | number> = {};
    if (s.tls) {
      // PEM files as they are: Kafka reads a PEM key store and trust store (KIP-651).
      props['ssl.keystore.type'] = 'PEM';
      props['ssl.keystore.certificate.chain'] = pemLine(fs.readFileSync(s.tls.certPath, 'utf8'));
      props['ssl.keystore.key'] = pemLine(fs.readFileSync(s.tls.keyPath, 'utf8'));
      props['ssl.truststore.type'] = 'PEM';
      props['ssl.truststore.certificates'] = pemLine(fs.readFileSync(s.tls.caPath, 'utf8'));
      props['ssl.client.auth'] = s.tls.requireClientCert ? 'required' : 'none';
      props['ssl.endpoint.identification.algorithm'] = '';
    }
    if (s.sasl) {
      const mechs = s.sasl.mechanisms;
      props['sasl.enabled.mechanisms'] = mechs.join(',');
      const plainUsers = Object.entries(s.sasl.users).map(([u, p]) => `user_${u}="${p}"`).join(' ');
      for (const listener of ['sasl_plaintext', 'sasl_ssl']) {
        if (listener === 'sasl_ssl' && !s.tls) continue;
        const pre = `listener.name.${listener}`;
        if (mechs.includes('PLAIN')) props[`${pre}.plain.sasl.jaas.config`] = `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`;
        for (const m of mechs.filter((x) => x.startsWith('SCRAM-'))) {
          props[`${pre}.${m.toLowerCase()}.sasl.jaas.config`] = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
        }
        if (mechs.includes('OAUTHBEARER')) {
          // The unsecured JWS validator (Kafka's default for OAUTHBEARER without a handler): any
          // unsigned token with a subject and a future expiry is accepted.
          props[`${pre}.oauthbearer.sasl.jaas.config`] = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";';
        }
        if (s.sasl.reauthMs !== undefined) props[`${pre}.connections.max.reauth.ms`] = s.sasl.reauthMs;
      }
    }
    return props;
  }

  /** Starts node `id` (first start or restart after kill/stop), without waiting for it to serve. */
  private async launch(id: number): Promise<void> {
    if (this.running.has(id)) throw new Error(`node ${id} is already running`);
    const child = spawn('bash', [KAFKA_SH, '-v', this.version, 'server', this.configPath(id), this.logPath(id)], { stdio: ['pipe', 'pipe', 'pipe'] });
    killOnExit(child);
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
    child.stdin?.on('error', () => undefined);
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString('utf8')).slice(-2000);
    });
    const exited = new Promise<number | string>((resolve) => {
      child.on('close', (code, signal) => {
        forget(child);
        resolve(code ?? signal ?? 'unknown');
      });
    });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      const onData = (b: Buffer): void => {
        out += b.toString('utf8');
        const m = /^pid (\d+)/m.exec(out);
        if (m) {
          child.stdout?.off('data', onData);
          resolve(Number(m[1]));
        }
      };
      child.stdout?.on('data', onData);
      void exited.then((status) => reject(new Error(`kafka.sh server for node ${id} exited (${status}) before starting Kafka: ${stderr.trim()}`)));
    });
    const node: RunningNode = { child, pid, exited, status: null, paused: false };
    void exited.then((status) => {
      node.status = status;
    });
    this.running.set(id, node);
  }

  /**
   * Waits until each node of `ids` answers Metadata itself and every one of them is listed (a
   * node killed a moment ago stays listed by the others until its session times out, so asking
   * the others would not do).
   */
  async waitForBrokers(ids: number[], timeoutMs = START_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      for (const id of ids) {
        const node = this.running.get(id);
        if (node === undefined) throw new Error(`node ${id} is not running`);
        if (node.status !== null) throw new Error(`Kafka node ${id} exited (${node.status}) while starting: ${this.startFailure(id)}\n${this.logTail(id)}`);
      }
      try {
        const answers = await Promise.all(ids.map((id) => this.metadata(undefined, this.address(id))));
        const missing = answers.map((a) => ids.filter((id) => !a.brokers.some((b) => b.id === id)));
        if (missing.every((m) => m.length === 0)) return;
        last = `Metadata does not list nodes ${[...new Set(missing.flat())].join(',')} yet`;
      } catch (err) {
        last = (err as Error).message;
      }
      if (Date.now() > deadline) {
        throw new Error(`Kafka nodes ${ids.join(',')} not ready after ${timeoutMs} ms (${last}); log of node ${ids[0]}:\n${this.logTail(ids[0])}`);
      }
      await sleep(250);
    }
  }

  /**
   * Why node `id` did not start, from its log: the innermost "Caused by:" of the fatal startup
   * error names the cause (e.g. "Socket server failed to bind to 127.0.0.1:9092: Address already
   * in use"); the tail that follows it is mostly Kafka shutting down.
   */
  private startFailure(id: number): string {
    const lines = this.logText(id).split('\n');
    const causes = lines.filter((l) => l.startsWith('Caused by: ')).slice(-3);
    if (causes.length === 0) return lines.find((l) => / ERROR /.test(l)) ?? 'no error in its log';
    return causes.map((l) => l.slice('Caused by: '.length)).join(', caused by ');
  }

  /** Node `id`'s log (warnings and errors) and its stdout. */
  private logText(id: number): string {
    const read = (p: string): string => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '');
    return read(this.logPath(id)) + read(`${this.logPath(id)}.out`);
  }

  /** The last lines of node `id`'s log (warnings and errors, and its stdout). */
  logTail(id: number, lines = 30): string {
    return this.logText(id).split('\n').slice(-lines).join('\n');
  }

  /** Metadata as kcat reads it from the running nodes (optionally for one topic). */
  async metadata(topic?: string, from?: string): Promise<{ brokers: Array<{ id: number; name: string }>; topics: Array<{ topic: string; partitions: PartitionInfo[]; error?: string }> }> {
    const up = this.ids().filter((id) => this.running.has(id) && !this.running.get(id)!.paused);
    const bootstrap = from ?? (up.map((id) => this.address(id)).join(',') || this.bootstrap);
    const args = ['-L', '-J', '-b', bootstrap, '-m', '5', '-X', 'topic.metadata.refresh.interval.ms=-1'];
    if (topic !== undefined) args.push('-t', topic);
    const out = await new Promise<string>((resolve, reject) => {
      execFile('kcat', args, { timeout: 10_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`kcat -L failed: ${(stderr || String(err)).trim()}`));
        else resolve(stdout);
      });
    });
    const json = JSON.parse(out) as {
      brokers: Array<{ id: number; name: string }>;
      topics: Array<{ topic: string; error?: string; partitions: Array<{ partition: number; leader: number; replicas: Array<{ id: number }>; isrs: Array<{ id: number }> }> }>;
    };
    return {
      brokers: json.brokers,
      topics: json.topics.map((t) => ({
        topic: t.topic,
        error: t.error,
        partitions: t.partitions.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas.map((r) => r.id), isr: p.isrs.map((r) => r.id) })).sort((a, b) => a.partition - b.partition),
      })),
    };
  }

  /** A topic's partitions: leader, replicas and in-sync replicas, by partition. */
  async partitions(topic: string): Promise<PartitionInfo[]> {
    const t = (await this.metadata(topic)).topics.find((x) => x.topic === topic);
    if (!t || t.error) throw new Error(`no metadata for topic ${topic}${t?.error ? `: ${t.error}` : ''}`);
    return t.partitions;
  }

  /** Leader node id by partition. */
  async leaders(topic: string): Promise<number[]> {
    return (await this.partitions(topic)).map((p) => p.leader);
  }

  /**
   * Creates `topic` with Kafka's TopicCommand: `partitions` partitions, replication factor 3 (the
   * node count when smaller), min.insync.replicas 2, plus `config` (topic properties, e.g.
   * max.message.bytes); waits until every partition has a leader.
   */
  async createTopic(topic: string, partitions: number, opts: { replicationFactor?: number; config?: Record<string, string | number>; replicaAssignment?: number[][] } = {}): Promise<void> {
    const args = ['--bootstrap-server', this.liveBootstrap(), '--create', '--topic', topic];
    if (opts.replicaAssignment) args.push('--replica-assignment', opts.replicaAssignment.map((r) => r.join(':')).join(','));
    else args.push('--partitions', String(partitions), '--replication-factor', String(opts.replicationFactor ?? Math.min(3, this.nodes)));
    const config = { 'min.insync.replicas': Math.min(2, this.nodes), ...opts.config };
    for (const [k, v] of Object.entries(config)) args.push('--config', `${k}=${v}`);
    await tool(this.version, 'topics', args);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ps = await this.partitions(topic).catch(() => null); // null: not in metadata yet
      if (ps !== null && ps.length === partitions && ps.every((p) => p.leader > 0)) {
        await this.waitForLeadersServing(topic, ps);
        return;
      }
      if (Date.now() > deadline) throw new Error(`topic ${topic} has no leader for every partition 30 s after TopicCommand created it`);
      await sleep(100);
    }
  }

  /**
   * Waits until each partition's leader answers ListOffsets for it (`kcat -Q`), polling: a node
   * lists itself as leader in Metadata a moment before its replica manager takes the partition, and
   * a write with acks=0 in that moment is dropped with the connection, which an acks=0 test would
   * read as lost records. kcat does not retry an unknown partition, it exits 1 at once ("Unknown
   * partition" / "Unknown topic or partition"), so one call proves nothing: on a loaded machine the
   * moment lasted seconds and an acks=0 test lost half its records (CI, 2026-12-06). Fails after
   * 30 s with kcat's last answer.
   */
  private async waitForLeadersServing(topic: string, ps: PartitionInfo[]): Promise<void> {
    await retry(() => kcatEndOffsetSum(this.liveBootstrap(), topic, ps.length), 30_000);
  }

  /** Runs one of kafka.sh's tools against this cluster's version; rejects on a non-zero exit. */
  tool(name: string, args: string[], timeoutMs?: number): Promise<string> {
    return tool(this.version, name, args, timeoutMs);
  }

  /** PLAINTEXT addresses of the nodes running and not paused (for tools). */
  liveBootstrap(): string {
    const up = this.ids().filter((id) => this.running.has(id) && !this.running.get(id)!.paused);
    return (up.length > 0 ? up : this.ids()).map((id) => this.address(id)).join(',');
  }

  /** Each running node's JVM pid, by node id (to check that none outlives stop()). */
  pids(): Map<number, number> {
    return new Map([...this.running].map(([id, n]) => [id, n.pid]));
  }

  isRunning(id: number): boolean {
    return this.running.has(id);
  }

  private node(id: number): RunningNode {
    const n = this.running.get(id);
    if (n === undefined) throw new Error(`node ${id} is not running`);
    return n;
  }

  /** kill -9 of node `id`; resolves once it is gone. */
  async kill(id: number): Promise<void> {
    const n = this.node(id);
    process.kill(n.pid, 'SIGKILL');
    await n.exited;
    this.running.delete(id);
  }

  /** SIGSTOP: the node stops answering, its sockets stay open. */
  pause(id: number): void {
    const n = this.node(id);
    process.kill(n.pid, 'SIGSTOP');
    n.paused = true;
  }

  /** SIGCONT after pause(). */
  resume(id: number): void {
    const n = this.node(id);
    process.kill(n.pid, 'SIGCONT');
    n.paused = false;
  }

  /** A clean stop (SIGTERM: controlled shutdown, leadership moved away first); kill -9 after STOP_TIMEOUT_MS. */
  async stopNode(id: number): Promise<void> {
    const n = this.node(id);
    if (n.paused) this.resume(id);
    process.kill(n.pid, 'SIGTERM');
    const timer = setTimeout(() => n.status === null && process.kill(n.pid, 'SIGKILL'), STOP_TIMEOUT_MS);
    await n.exited;
    clearTimeout(timer);
    this.running.delete(id);
  }

  /** Starts a stopped or killed node again, on its data, and waits until Metadata lists it. */
  async restart(id: number): Promise<void> {
    await this.launch(id);
    await this.waitForBrokers([id]);
  }

  /** Waits until every partition of `topic` has all its replicas in sync (after a node came back). */
  async waitForFullIsr(topic: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ps = await this.partitions(topic).catch(() => []);
      if (ps.length > 0 && ps.every((p) => p.leader > 0 && p.isr.length === p.replicas.length)) return;
      if (Date.now() > deadline) throw new Error(`topic ${topic}: replicas not all in sync after ${timeoutMs} ms: ${JSON.stringify(ps)}`);
      await sleep(250);
    }
  }

  /** Stops every node (kill -9: the data folder is thrown away) and removes the data folder. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const nodes = [...this.running.entries()];
    for (const [, n] of nodes) {
      try {
        process.kill(n.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      n.child.stdin?.end();
    }
    await Promise.all(nodes.map(([, n]) => n.exited));
    this.running.clear();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A PEM file as one properties value: Kafka's PEM options take the text with newlines escaped. */
function pemLine(pem: string): string {
  return pem.trim().replace(/\n/g, '\\n');
}

