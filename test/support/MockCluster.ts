/**
 * A librdkafka mock cluster in a child process (test/broker/launcher.c), for integration tests.
 *
 * ```ts
 * const cluster = await MockCluster.start({ brokers: 3 });
 * await cluster.createTopic('orders', 6);
 * await cluster.pushErrors(ApiKey.Produce, [ErrorCode.NOT_LEADER_OR_FOLLOWER]);
 * // … produce to cluster.bootstrap, read back with kcatConsume(cluster.bootstrap, 'orders')
 * await cluster.stop();
 * ```
 *
 * Broker ids are 1..N; `brokers[id - 1]` is broker id's "host:port". Each cluster listens on
 * its own random loopback ports, so test files may run in parallel. Behaviour of the mock worth
 * knowing (auto-creation, which APIs take injected errors, no CRC or idempotence checks) is
 * listed at the top of launcher.c.
 *
 * The child never outlives us: stop() ends it, a process 'exit' hook kills any left, and the
 * launcher exits by itself when its stdin closes (i.e. when this process dies in any way).
 */
import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { forget, killOnExit } from './killOnExit';

export type MockVersion = '2.0.2' | '2.12';

/** Request types, for pushErrors / setApiVersion. */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  FindCoordinator: 10,
  ApiVersions: 18,
  InitProducerId: 22,
  AddPartitionsToTxn: 24,
  EndTxn: 26,
} as const;

/** Error codes commonly injected (Kafka's), plus librdkafka's connection-closing pseudo-code. */
export const ErrorCode = {
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  MESSAGE_TOO_LARGE: 10,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  UNSUPPORTED_VERSION: 35,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  DUPLICATE_SEQUENCE_NUMBER: 46,
  INVALID_PRODUCER_EPOCH: 47,
  UNKNOWN_PRODUCER_ID: 59,
  /** Not a Kafka code: the mock closes the connection when the request arrives, no response. */
  CLOSE_CONNECTION: -195,
} as const;

const START_TIMEOUT_MS = 10_000;
const COMMAND_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;


/** Path of the launcher built by test/broker/setup.sh for `version`. */
export function launcherPath(version: MockVersion): string {
  return path.resolve(__dirname, '..', '..', '.cache', 'broker', `mock-${version}`, 'launcher');
}

function defaultVersion(): MockVersion {
  const v = process.env.RXKAFKA_MOCK_VERSION ?? '2.12';
  if (v !== '2.0.2' && v !== '2.12') throw new Error(`RXKAFKA_MOCK_VERSION must be '2.0.2' or '2.12', not '${v}'`);
  return v;
}

export class MockCluster {
  /** Comma-separated "host:port" list, for a client's bootstrap servers. */
  readonly bootstrap: string;
  /** "host:port" per broker, in id order: brokers[0] is broker 1. */
  readonly brokers: string[];
  readonly version: MockVersion;

  private readonly child: ChildProcessWithoutNullStreams;
  /** Reply lines not yet claimed by a command (normally empty: one command at a time). */
  private readonly replies: string[] = [];
  /** Resolver of the command waiting for its reply line; at most one (commands are chained). */
  private waiter: ((line: string | null) => void) | null = null;
  /** Tail of every command issued so far: the next one starts when it settles. */
  private chain: Promise<unknown> = Promise.resolve();
  /** Set once the child has exited; every later command rejects with it. */
  private exited: Error | null = null;
  private stopping: Promise<void> | null = null;
  /** Last stderr output of the launcher, for error messages. */
  private stderrTail = '';

  private constructor(child: ChildProcessWithoutNullStreams, bootstrap: string, version: MockVersion, lines: AsyncLineReader) {
    this.child = child;
    this.bootstrap = bootstrap;
    this.brokers = bootstrap.split(',');
    this.version = version;
    lines.onLine = (line) => {
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w(line);
      } else {
        this.replies.push(line);
      }
    };
    child.stderr.on('data', (b: Buffer) => {
      this.stderrTail = (this.stderrTail + b.toString('utf8')).slice(-2000);
    });
    // 'close' (not 'exit'): by then every reply line the child wrote has been delivered.
    child.on('close', (code, signal) => {
      forget(child);
      this.exited = new Error(`mock cluster exited (${code ?? signal})${this.stderrTail ? `: ${this.stderrTail.trim()}` : ''}`);
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w(null);
      }
    });
  }

  /** Starts a mock cluster of `brokers` brokers (default 3) with librdkafka `version`. */
  static async start(opts: { brokers?: number; version?: MockVersion } = {}): Promise<MockCluster> {
    const version = opts.version ?? defaultVersion();
    const brokers = opts.brokers ?? 3;
    const bin = launcherPath(version);
    if (!fs.existsSync(bin)) {
      throw new Error(`mock cluster launcher ${bin} is missing: run bash test/broker/setup.sh`);
    }
    const child = spawn(bin, ['--brokers', String(brokers)], { stdio: ['pipe', 'pipe', 'pipe'] });
    killOnExit(child);
    // Do not keep the test process alive for a cluster a test forgot to stop: the exit hook
    // and the launcher's stdin-EOF rule end it anyway.
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
    child.stdin.on('error', () => undefined); // EPIPE after the child died: reported via 'exit'

    const lines = new AsyncLineReader(child);
    let stderr = '';
    const onStderr = (b: Buffer): void => {
      stderr += b.toString('utf8');
    };
    child.stderr.on('data', onStderr);
    try {
      const first = await lines.first(START_TIMEOUT_MS);
      const m = /^BOOTSTRAP (\S+)$/.exec(first ?? '');
      if (!m) throw new Error(`mock cluster did not start: ${first === null ? 'exited' : `said '${first}'`} ${stderr.trim()}`);
      return new MockCluster(child, m[1], version, lines);
    } catch (err) {
      forget(child);
      child.kill('SIGKILL');
      throw err;
    } finally {
      child.stderr.off('data', onStderr);
    }
  }

  /** Creates `name`. Without this, a Metadata request auto-creates it with 4 partitions. */
  async createTopic(name: string, partitions: number, replication = 1): Promise<void> {
    return this.command(`topic ${word(name)} ${int(partitions)} ${int(replication)}`);
  }

  /** Closes the broker's connections and refuses new ones; leadership does not move (see setLeader). */
  async brokerDown(id: number): Promise<void> {
    return this.command(`down ${int(id)}`);
  }

  async brokerUp(id: number): Promise<void> {
    return this.command(`up ${int(id)}`);
  }

  /** Delays every response of broker `id` by `ms`. */
  async setRtt(id: number, ms: number): Promise<void> {
    return this.command(`rtt ${int(id)} ${int(ms)}`);
  }

  /**
   * Moves the leadership of a partition; id -1 leaves it without a leader. Mock quirk: on an
   * unknown topic this creates it with `partition + 1` partitions — createTopic first.
   */
  async setLeader(topic: string, partition: number, id: number): Promise<void> {
    return this.command(`leader ${word(topic)} ${int(partition)} ${int(id)}`);
  }

  /**
   * Makes the next `codes.length` requests of `apiKey`, on any broker, fail with these codes in
   * order. Not honoured for Metadata (rejected): use setTopicError or setLeader. Mock quirk: a
   * broker that has had pushBrokerErrors for `apiKey` ignores these from then on.
   */
  async pushErrors(apiKey: number, codes: number[]): Promise<void> {
    if (codes.length === 0) return;
    return this.command(`errors ${int(apiKey)} ${codes.map(int).join(' ')}`);
  }

  /** Like pushErrors but on broker `brokerId` only, each response delayed by its rttMs. */
  async pushBrokerErrors(brokerId: number, apiKey: number, errs: Array<{ code: number; rttMs: number }>): Promise<void> {
    if (errs.length === 0) return;
    return this.command(`broker-errors ${int(brokerId)} ${int(apiKey)} ${errs.map((e) => `${int(e.code)}:${int(e.rttMs)}`).join(' ')}`);
  }

  /** Makes Metadata report `code` for `topic` (0 clears it). Produce ignores it. Creates an unknown topic (4 partitions). */
  async setTopicError(topic: string, code: number): Promise<void> {
    return this.command(`topic-error ${word(topic)} ${int(code)}`);
  }

  /** Drops errors pushed with pushErrors for `apiKey` (not those of pushBrokerErrors). */
  async clearErrors(apiKey: number): Promise<void> {
    return this.command(`clear ${int(apiKey)}`);
  }

  /** Changes the version range advertised (and accepted) for `apiKey`; -1 -1 removes the API. */
  async setApiVersion(apiKey: number, minVersion: number, maxVersion: number): Promise<void> {
    return this.command(`apiversion ${int(apiKey)} ${int(minVersion)} ${int(maxVersion)}`);
  }

  /**
   * Makes Metadata list broker `id` at `host:port` (a TLS or SASL front before it) while it keeps
   * listening at `brokers[id - 1]`. 2.12 only: the 2.0.2 mock has no such API (rejected).
   */
  async advertise(id: number, host: string, port: number): Promise<void> {
    return this.command(`advertise ${int(id)} ${word(host)} ${int(port)}`);
  }

  /** Stops the cluster and waits for the process to be gone. Idempotent. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopping = new Promise<void>((resolve) => {
      if (this.exited || this.child.exitCode !== null || this.child.signalCode !== null) {
        resolve();
        return;
      }
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      this.child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      // EOF on stdin makes the launcher destroy the cluster and exit 0.
      this.child.stdin.end();
    });
    return this.stopping;
  }

  /** The launcher's process id (for tests of the harness itself). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private command(line: string): Promise<void> {
    const next = this.chain.then(() => this.exchange(line));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private exchange(line: string): Promise<void> {
    if (this.stopping) return Promise.reject(new Error(`mock cluster stopped; cannot '${line}'`));
    if (this.exited) return Promise.reject(this.exited);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A late reply could be taken for the next command's: the cluster is unusable now.
        this.waiter = null;
        this.exited = new Error(`mock cluster did not answer '${line}' within ${COMMAND_TIMEOUT_MS} ms`);
        reject(this.exited);
        this.child.kill('SIGKILL');
      }, COMMAND_TIMEOUT_MS);
      const settle = (reply: string | null): void => {
        clearTimeout(timer);
        if (reply === null) reject(this.exited ?? new Error('mock cluster exited'));
        else if (reply === 'OK') resolve();
        else if (reply.startsWith('ERR ')) reject(new Error(`mock cluster: '${line}' failed: ${reply.slice(4)}`));
        else reject(new Error(`mock cluster: unexpected reply '${reply}' to '${line}'`));
      };
      const queued = this.replies.shift();
      if (queued !== undefined) {
        settle(queued);
        return;
      }
      this.waiter = settle;
      this.child.stdin.write(`${line}\n`);
    });
  }
}

/** Splits the child's stdout into lines; the first goes to first(), the rest to onLine. */
class AsyncLineReader {
  onLine: ((line: string) => void) | null = null;
  private buffered = '';
  private firstLine: ((line: string | null) => void) | null = null;
  private early: string[] = [];

  constructor(child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        this.deliver(line);
      }
    });
    child.on('close', () => this.firstLine?.(null));
  }

  first(timeoutMs: number): Promise<string | null> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`mock cluster did not start within ${timeoutMs} ms`)), timeoutMs);
      const done = (line: string | null): void => {
        clearTimeout(timer);
        this.firstLine = null;
        resolve(line);
      };
      const early = this.early.shift();
      if (early !== undefined) done(early);
      else this.firstLine = done;
    });
  }

  private deliver(line: string): void {
    if (this.firstLine) this.firstLine(line);
    else if (this.onLine) this.onLine(line);
    else this.early.push(line);
  }
}

/** Guards the line protocol: a name with whitespace would split into two arguments. */
function word(s: string): string {
  if (!/^\S+$/.test(s)) throw new Error(`mock cluster: '${s}' must be non-empty and contain no whitespace`);
  return s;
}

function int(n: number): string {
  if (!Number.isInteger(n)) throw new Error(`mock cluster: ${n} is not an integer`);
  return String(n);
}
