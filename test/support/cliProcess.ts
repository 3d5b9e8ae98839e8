/**
 * The built CLI as a running process, for tests that act on it while it runs (signals) or read
 * its stderr as it comes (diagnostics): `node dist/src/cli/main.js …`, as `npx rxkafka` runs it.
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import * as path from 'path';
import type { Readable } from 'stream';

export const CLI = path.resolve(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class CliProcess {
  /** Processes not exited yet: killed by killAll() after a test that failed before stopping its own. */
  private static readonly running = new Set<CliProcess>();
  readonly child: ChildProcess;
  /** Settles when the process has exited and its output is closed. */
  readonly exited: Promise<CliExit>;
  private stdoutText = '';
  private stderrText = '';
  /** Called whenever stderr grows (waitForStderr). */
  private onStderr: (() => void) | null = null;
  /** The endless input writer, when stdin comes from `seq`. */
  private readonly feeder: ChildProcess | null;

  /**
   * Starts `rxkafka …args`. `stdin`: 'endless' pipes `seq 1 1000000000` (numbered lines, more
   * than any test reads), a Readable is piped as is, 'closed' gives an empty input.
   */
  constructor(args: string[], stdin: 'endless' | 'closed' | Readable = 'closed') {
    this.feeder = stdin === 'endless' ? spawn('seq', ['1', '1000000000'], { stdio: ['ignore', 'pipe', 'ignore'] }) : null;
    const input = this.feeder !== null ? this.feeder.stdout! : stdin === 'closed' ? 'pipe' : stdin;
    this.child = spawn(process.execPath, [CLI, ...args], { stdio: [input as 'pipe', 'pipe', 'pipe'] });
    CliProcess.running.add(this);
    if (stdin === 'closed') this.child.stdin!.end();
    this.child.stdout!.on('data', (b: Buffer) => (this.stdoutText += b.toString('utf8')));
    this.child.stderr!.on('data', (b: Buffer) => {
      this.stderrText += b.toString('utf8');
      this.onStderr?.();
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) => {
        CliProcess.running.delete(this);
        // The writer has no reader left: it would die of SIGPIPE at its next write, do it now.
        this.feeder?.kill('SIGKILL');
        resolve({ code, signal, stdout: this.stdoutText, stderr: this.stderrText });
      });
    });
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Resolves once stderr matches `pattern`; rejects after `timeoutMs` or if the process exits first. */
  waitForStderr(pattern: RegExp, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m = pattern.exec(this.stderrText);
        if (m === null) return false;
        clearTimeout(timer);
        this.onStderr = null;
        resolve(m[0]);
        return true;
      };
      const timer = setTimeout(() => {
        this.onStderr = null;
        reject(new Error(`stderr did not match ${pattern} within ${timeoutMs} ms; stderr so far:\n${this.stderrText}`));
      }, timeoutMs);
      if (check()) return;
      this.onStderr = () => void check();
      void this.exited.then(() => {
        if (!check()) {
          clearTimeout(timer);
          reject(new Error(`the CLI exited before stderr matched ${pattern}; stderr:\n${this.stderrText}`));
        }
      });
    });
  }

  /** Waits for the exit, at most `timeoutMs` (then kills it and rejects). */
  async exit(timeoutMs: number): Promise<CliExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill('SIGKILL');
        reject(new Error(`the CLI did not exit within ${timeoutMs} ms; stderr:\n${this.stderrText}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL to every CLI (and its `seq`) still running: for an afterEach. */
  static killAll(): void {
    for (const p of CliProcess.running) {
      p.kill('SIGKILL');
      p.feeder?.kill('SIGKILL');
    }
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/** The produce summary: the last stdout line, checked to be one (JSON, in the documented key order). */
export interface ProduceSummary {
  records: number;
  acked: number;
  failed: number;
  unsent: number;
  durationMs: number;
  recordsPerSec: number;
}

export function produceSummaryOf(stdout: string): ProduceSummary {
  if (!stdout.endsWith('\n')) throw new Error(`stdout does not end with a line: ${JSON.stringify(stdout.slice(-200))}`);
  const lines = stdout.slice(0, -1).split('\n');
  const s = JSON.parse(lines[lines.length - 1]) as ProduceSummary;
  const keys = Object.keys(s).join(',');
  if (keys !== 'records,acked,failed,unsent,durationMs,recordsPerSec') throw new Error(`summary keys: ${keys}`);
  return s;
}

/** The sum of a topic's end offsets, read by kcat -Q (librdkafka's ListOffsets), not by rxkafka. */
export function kcatEndOffsetSum(bootstrap: string, topic: string, partitions: number): Promise<number> {
  const args = ['-Q', '-b', bootstrap, '-m', '15', ...Array.from({ length: partitions }, (_, p) => ['-t', `${topic}:${p}:-1`]).flat()];
  return new Promise((resolve, reject) => {
    execFile('kcat', args, { timeout: 30_000, killSignal: 'SIGKILL' }, (err, stdout) => {
      if (err !== null) return reject(err);
      // One line per partition: "<topic> [<partition>] offset <end offset>".
      const offsets = [...stdout.matchAll(/\[(\d+)\] offset (-?\d+)/g)].map((m) => Number(m[2]));
      if (offsets.length !== partitions) return reject(new Error(`kcat -Q answered ${offsets.length} of ${partitions} partitions: ${stdout}`));
      resolve(offsets.reduce((a, b) => a + b, 0));
    });
  });
}
