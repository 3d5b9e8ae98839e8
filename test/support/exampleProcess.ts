/**
 * An example of examples/ run as its users run it: `node <script>` in a child process, its output
 * read line by line, signalled, its memory read from /proc.
 *
 * ```ts
 * const server = startExample('examples/http-ingest/server.js', { KAFKA_BROKERS: kafka.bootstrap, PORT: '0' });
 * const line = await server.waitForLine((l) => l.startsWith('listening'), 30_000);
 * server.signal('SIGTERM');
 * expect(await server.exited).toEqual({ code: 0, signal: null });
 * ```
 *
 * The examples run from the build (dist/): `npm test` builds first; by hand, `npm run build`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { forget, killOnExit } from './killOnExit';

const ROOT = path.resolve(__dirname, '..', '..');

export interface ExampleProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every complete line so far, per stream. */
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first line (stdout or stderr, past or future) that `match` accepts. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string>;
  signal(name: NodeJS.Signals): void;
  /** Resident memory now, bytes (VmRSS of /proc/<pid>/status); null once it has exited. */
  rssBytes(): number | null;
}

export function startExample(script: string, env: Record<string, string>): ExampleProcess {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'operators', 'index.js'))) {
    throw new Error('the examples run from the build: run npm run build first');
  }
  const child = spawn(process.execPath, [path.join(ROOT, script)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const watchers = new Set<() => void>();
  const collect = (stream: NodeJS.ReadableStream, into: string[]): void => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      into.push(...parts);
      for (const w of watchers) w();
    });
  };
  collect(child.stdout!, stdout);
  collect(child.stderr!, stderr);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      forget(child);
      resolve({ code, signal });
      for (const w of watchers) w();
    }),
  );
  let exitedYet = false;
  void exited.then(() => (exitedYet = true));
  return {
    child,
    pid: child.pid!,
    stdout,
    stderr,
    exited,
    waitForLine(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const line = stdout.find(match) ?? stderr.find(match);
          if (line !== undefined) done(() => resolve(line));
          else if (exitedYet) done(() => reject(new Error(`${script} exited without the line awaited; stderr: ${stderr.slice(-20).join('\n')}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`${script}: no such line within ${timeoutMs} ms; stdout: ${stdout.slice(-5).join('\n')}; stderr: ${stderr.slice(-10).join('\n')}`))),
          timeoutMs,
        );
        const done = (settle: () => void): void => {
          clearTimeout(timer);
          watchers.delete(check);
          settle();
        };
        watchers.add(check);
        check();
      });
    },
    signal(name) {
      child.kill(name);
    },
    rssBytes() {
      try {
        const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) * 1024 : null;
      } catch {
        return null;
      }
    },
  };
}

/** The last line of `lines` that is a JSON object with `field` true (a progress or summary line). */
export function lastJson<T>(lines: string[], field: string): T | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i].startsWith('{')) continue;
    try {
      const o = JSON.parse(lines[i]) as Record<string, unknown>;
      if (o[field] === true) return o as T;
    } catch {
      // not one of ours
    }
  }
  return undefined;
}
