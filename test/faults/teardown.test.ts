// Issue 3, scenario 10: leaving a stream mid-way — unsubscribing, or an error upstream — leaks no
// socket, timer or listener: a Node process that did so exits by itself. Each case runs in a child
// process (test/faults/child/leave.js, on the compiled dist/ code) against the strict broker, with
// requests in flight when it leaves (every broker answers after 100 ms), and must exit within 3 s
// of leaving.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BROKERS, clusterPerTest, newTopic } from '../support/faultRun';

const mock = clusterPerTest();
const CHILD = path.join(__dirname, 'child', 'leave.js');
const EXIT_WITHIN_MS = 3000;

beforeAll(() => {
  const dist = path.resolve(__dirname, '..', '..', 'dist', 'operators', 'index.js');
  if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run npm run build first (npm test does)`);
});

interface ChildExit {
  code: number | null;
  /** Acks the child had when it left, or -1 if it never did. */
  acksAtLeave: number;
  /** From `LEFT` to the child's exit; Infinity if it was killed. */
  exitAfterLeaveMs: number;
  lines: string[];
}

/** Runs the child to its exit, killing it (exitAfterLeaveMs Infinity) if it outlives EXIT_WITHIN_MS + 2 s after leaving. */
function runChild(mode: string, topic: string): Promise<ChildExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, mock().bootstrap, topic, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let leftAtMs = -1;
    let acksAtLeave = -1;
    let killed = false;
    let killer: NodeJS.Timeout | undefined;
    // Never leave through the stream within 30 s: the child is stuck before leaving.
    const overall = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, 30_000);
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        const m = /^LEFT (\d+)$/.exec(line);
        if (m) {
          leftAtMs = Date.now();
          acksAtLeave = Number(m[1]);
          killer = setTimeout(() => {
            killed = true;
            child.kill('SIGKILL');
          }, EXIT_WITHIN_MS + 2000);
        }
      }
    });
    child.stderr.on('data', (b: Buffer) => lines.push(`stderr: ${b.toString('utf8').trim()}`));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(overall);
      clearTimeout(killer);
      resolve({ code, acksAtLeave, exitAfterLeaveMs: killed || leftAtMs < 0 ? Infinity : Date.now() - leftAtMs, lines });
    });
  });
}

async function leave(mode: string): Promise<ChildExit> {
  const topic = await newTopic(mock());
  for (let id = 1; id <= BROKERS; id++) await mock().setRtt(id, 100);
  const exit = await runChild(mode, topic);
  // On failure, the child's last lines say what kept it alive (ALIVE <resources>).
  const said = `; the child said:\n${exit.lines.slice(-4).join('\n')}`;
  if (exit.acksAtLeave <= 0) throw new Error(`the child never left its stream (exit ${exit.code})${said}`);
  if (exit.exitAfterLeaveMs >= EXIT_WITHIN_MS) throw new Error(`the child did not exit within ${EXIT_WITHIN_MS} ms of leaving${said}`);
  expect(exit.code).toBe(0);
  expect(exit.lines.filter((l) => l.startsWith('UNEXPECTED') || l.startsWith('stderr'))).toEqual([]);
  return exit;
}

it('toKafka, unsubscribed mid-stream with requests in flight: the process exits by itself', async () => {
  await leave('unsubscribe');
});

it('toKafka, the source errors mid-stream: the stream errors and the process exits by itself', async () => {
  const exit = await leave('error');
  // stopOnError false: the records before the error were all acked before the stream errored.
  expect(exit.acksAtLeave).toBe(30000);
});

it('createProducer + produce, unsubscribed mid-stream, then close(): the process exits by itself', async () => {
  await leave('close');
});
