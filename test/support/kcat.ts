/**
 * Independent readers: verify what was produced with clients nobody here wrote.
 *
 * - kcatConsume: kcat 1.7.1 (librdkafka 2.0.2 underneath) with check.crcs=true.
 * - kafkaPythonConsume: Debian's kafka-python 2.0.2, whose own check_crcs is a no-op for v2
 *   batches, so kafka_python_consume.py checks each batch's CRC-32C itself.
 *
 * Both read the whole topic from the beginning to the end offsets it had when they started, so
 * call them once the producer has been acked. kcatConsume reads at either isolation level. The
 * strict 2.12 mock (test/broker/transactions.patch) writes transaction markers and reports the
 * last stable offset and aborted transactions, so there read_committed returns committed records
 * only and stops at the first open transaction; the stock 2.0.2 mock does neither, so there both
 * levels see every record (test/broker/README.md).
 */
import { spawn } from 'child_process';
import * as path from 'path';

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  /** Key decoded as UTF-8; null for a null key. Use keyBytes for binary keys. */
  key: string | null;
  /** Value decoded as UTF-8; null for a null value (tombstone). Use valueBytes for binary. */
  value: string | null;
  keyBytes: Buffer | null;
  valueBytes: Buffer | null;
  /** Milliseconds since the epoch. */
  timestamp: number;
  timestampType: 'create' | 'logappend' | 'unknown';
  /** In record order; a name may repeat. Values are UTF-8 decoded; null for a null value. */
  headers: Array<[string, string | null]>;
}

export interface ConsumeOptions {
  /**
   * Default 'read_uncommitted': every data record in the log. 'read_committed': records of
   * committed transactions and non-transactional ones, up to the last stable offset (see above).
   */
  isolation?: 'read_committed' | 'read_uncommitted';
  /** Kill the reader and reject after this long. Default 30000. */
  timeoutMs?: number;
  /** Extra librdkafka properties (`-X k=v`), e.g. to read through a TLS or SASL front. */
  config?: Record<string, string>;
}

/** `-X k=v` for each property. */
function kcatConfig(config: Record<string, string> | undefined): string[] {
  return Object.entries(config ?? {}).flatMap(([k, v]) => ['-X', `${k}=${v}`]);
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs a command to completion, killing it after timeoutMs. Rejects only if it cannot start. */
function run(cmd: string, args: string[], input: string | null, timeoutMs: number): Promise<RunResult & { timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input === null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${cmd}: ${e.message} (run: bash test/broker/setup.sh)`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
    if (input !== null && child.stdin) {
      child.stdin.on('error', () => undefined); // EPIPE if it died early: reported via exit code
      child.stdin.end(input);
    }
  });
}

function describeFailure(what: string, r: RunResult & { timedOut: boolean }, timeoutMs: number): string | null {
  if (r.timedOut) return `${what} timed out after ${timeoutMs} ms: ${r.stderr.trim()}`;
  if (r.code !== 0) return `${what} exited with ${r.code ?? r.signal}: ${r.stderr.trim()}`;
  return null;
}

/**
 * kcat on a librdkafka consume error (a CRC mismatch included) prints
 * `% ERROR: Topic t [0] error: MessageSet at offset N (… bytes) failed CRC32C check (…)` on
 * stderr, skips the rest of that fetch and goes on, then exits 1 at the end (-e). We reject on
 * the exit code and, in case a future kcat exits 0, on any ERROR line too.
 */
function kcatArgs(bootstrap: string, topic: string, isolation: string): string[] {
  return ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-X', 'check.crcs=true', '-X', `isolation.level=${isolation}`];
}

// Binary-safe framing: a text line with lengths, then exactly that many key and value bytes, then
// a newline we check as a sentinel. (kcat -J is not binary-safe: it writes invalid UTF-8 bytes
// raw, and %h in -f is ambiguous, so headers and timestamp type come from a -J pass instead.)
const FRAME_FORMAT = '%p %o %T %K %S\\n%k%s\\n';

interface Frame {
  partition: number;
  offset: bigint;
  timestamp: number;
  keyBytes: Buffer | null;
  valueBytes: Buffer | null;
}

function parseFrames(out: Buffer): Frame[] {
  const frames: Frame[] = [];
  let pos = 0;
  while (pos < out.length) {
    const eol = out.indexOf(0x0a, pos);
    if (eol < 0) throw new Error(`kcat: truncated frame header at byte ${pos}`);
    const fields = out.toString('latin1', pos, eol).split(' ');
    if (fields.length !== 5) throw new Error(`kcat: bad frame header '${out.toString('latin1', pos, eol)}'`);
    const keyLen = Number(fields[3]);
    const valueLen = Number(fields[4]);
    pos = eol + 1;
    const keyBytes = keyLen < 0 ? null : Buffer.from(out.subarray(pos, pos + keyLen));
    pos += Math.max(keyLen, 0);
    const valueBytes = valueLen < 0 ? null : Buffer.from(out.subarray(pos, pos + valueLen));
    pos += Math.max(valueLen, 0);
    if (out[pos] !== 0x0a) throw new Error(`kcat: frame sentinel missing at byte ${pos}`);
    pos += 1;
    frames.push({ partition: Number(fields[0]), offset: BigInt(fields[1]), timestamp: Number(fields[2]), keyBytes, valueBytes });
  }
  return frames;
}

interface KcatJson {
  topic: string;
  partition: number;
  offset: number;
  tstype: string;
  ts: number;
  headers?: Array<string | null>;
}

function byPartitionThenOffset(a: { partition: number; offset: bigint }, b: { partition: number; offset: bigint }): number {
  if (a.partition !== b.partition) return a.partition - b.partition;
  return a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0;
}

/**
 * Reads every record of `topic` with kcat (CRC-checked) and returns them sorted by partition,
 * then offset. Rejects if kcat fails, reports any error (e.g. a CRC mismatch) or times out.
 * Runs two kcat passes at once — one binary-safe for key/value bytes, one JSON for headers and
 * timestamp type — and rejects if they disagree about which records exist.
 */
export async function kcatConsume(bootstrap: string, topic: string, opts: ConsumeOptions = {}): Promise<ConsumedRecord[]> {
  const timeoutMs = opts.timeoutMs ?? 30000;
  const base = [...kcatArgs(bootstrap, topic, opts.isolation ?? 'read_uncommitted'), ...kcatConfig(opts.config)];
  const [framed, json] = await Promise.all([
    run('kcat', [...base, '-f', FRAME_FORMAT], null, timeoutMs),
    run('kcat', [...base, '-J'], null, timeoutMs),
  ]);
  for (const r of [framed, json]) {
    const failure = describeFailure('kcat', r, timeoutMs);
    if (failure) throw new Error(failure);
    if (/ERROR|CRC/.test(r.stderr)) throw new Error(`kcat reported: ${r.stderr.trim()}`);
  }

  const frames = parseFrames(framed.stdout);
  const meta = new Map<string, KcatJson>();
  for (const line of json.stdout.toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    // Offsets past 2^53 would lose precision here; the frame pass carries them exactly.
    const m = JSON.parse(line) as KcatJson;
    meta.set(`${m.partition}:${m.offset}`, m);
  }
  if (meta.size !== frames.length) {
    throw new Error(`kcat passes disagree: ${frames.length} framed records vs ${meta.size} JSON records (still producing?)`);
  }

  const records = frames.map((f): ConsumedRecord => {
    const m = meta.get(`${f.partition}:${f.offset}`);
    if (!m) throw new Error(`kcat passes disagree: no JSON record for ${topic} [${f.partition}] @ ${f.offset}`);
    const h = m.headers ?? [];
    const headers: Array<[string, string | null]> = [];
    for (let i = 0; i + 1 < h.length; i += 2) headers.push([h[i] ?? '', h[i + 1] ?? null]);
    return {
      topic,
      partition: f.partition,
      offset: f.offset,
      key: f.keyBytes === null ? null : f.keyBytes.toString('utf8'),
      value: f.valueBytes === null ? null : f.valueBytes.toString('utf8'),
      keyBytes: f.keyBytes,
      valueBytes: f.valueBytes,
      timestamp: f.timestamp,
      timestampType: m.tstype === 'create' || m.tstype === 'logappend' ? m.tstype : 'unknown',
      headers,
    };
  });
  return records.sort(byPartitionThenOffset);
}

export interface KcatProduceOptions {
  /** Produce every line to this partition (default: kcat's partitioner, consistent_random). */
  partition?: number;
  /** Headers added to every record. */
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Extra librdkafka properties (`-X k=v`). */
  config?: Record<string, string>;
}

/**
 * Harness tests only: produces one record per line with `kcat -P` (acks=all by librdkafka
 * default) and resolves once kcat has flushed. With `keyDelimiter`, `key<delim>value`.
 * Note: librdkafka's Metadata request allows auto-creation, so an unknown topic is created by
 * the mock with 4 partitions; create it first when the partition count matters.
 */
export async function kcatProduce(
  bootstrap: string,
  topic: string,
  lines: string[],
  keyDelimiter?: string,
  opts: KcatProduceOptions = {},
): Promise<void> {
  if (lines.some((l) => l.includes('\n'))) throw new Error('kcatProduce: a line cannot contain a newline');
  const timeoutMs = opts.timeoutMs ?? 30000;
  const args = ['-P', '-b', bootstrap, '-t', topic, '-X', 'acks=all', ...kcatConfig(opts.config)];
  if (keyDelimiter !== undefined) args.push('-K', keyDelimiter);
  if (opts.partition !== undefined) args.push('-p', String(opts.partition));
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}=${v}`);
  const r = await run('kcat', args, lines.map((l) => `${l}\n`).join(''), timeoutMs);
  const failure = describeFailure('kcat -P', r, timeoutMs);
  if (failure) throw new Error(failure);
  if (/ERROR|Failed/.test(r.stderr)) throw new Error(`kcat -P reported: ${r.stderr.trim()}`);
}

interface PythonRecord {
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: number;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
}

/**
 * Reads every record of `topic` with kafka-python (Debian's python3-kafka, run by /usr/bin/python3,
 * the interpreter that package installs into), CRC-checked per batch. Same result shape as
 * kcatConsume. kafka-python 2.0.2 has no isolation.level: it always reads uncommitted.
 */
export async function kafkaPythonConsume(bootstrap: string, topic: string, opts: { timeoutMs?: number } = {}): Promise<ConsumedRecord[]> {
  const timeoutMs = opts.timeoutMs ?? 30000;
  const script = path.join(__dirname, 'kafka_python_consume.py');
  const r = await run('/usr/bin/python3', [script, bootstrap, topic, String(timeoutMs)], null, timeoutMs + 5000);
  const failure = describeFailure('kafka-python', r, timeoutMs);
  if (failure) throw new Error(failure);
  const fromB64 = (s: string | null): Buffer | null => (s === null ? null : Buffer.from(s, 'base64'));
  return r.stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l): ConsumedRecord => {
      const p = JSON.parse(l) as PythonRecord;
      const keyBytes = fromB64(p.key);
      const valueBytes = fromB64(p.value);
      return {
        topic,
        partition: p.partition,
        offset: BigInt(p.offset),
        key: keyBytes === null ? null : keyBytes.toString('utf8'),
        value: valueBytes === null ? null : valueBytes.toString('utf8'),
        keyBytes,
        valueBytes,
        timestamp: p.timestamp,
        timestampType: p.timestampType === 0 ? 'create' : p.timestampType === 1 ? 'logappend' : 'unknown',
        headers: p.headers.map(([k, v]): [string, string | null] => [k, v === null ? null : Buffer.from(v, 'base64').toString('utf8')]),
      };
    })
    .sort(byPartitionThenOffset);
}
