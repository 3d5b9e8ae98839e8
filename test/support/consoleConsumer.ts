/**
 * Reads a topic back with Apache Kafka's own consumer: the console consumer of `kafka-tools`
 * (org.apache.kafka.tools.consumer.ConsoleConsumer, run by test/kafka/kafka.sh with the cluster's
 * release), so that what rxkafka wrote is judged by the Java client and not only by librdkafka.
 *
 * ```ts
 * const records = await consoleConsume(cluster, topic, { maxMessages: 1000 });
 * const committed = await consoleConsume(cluster, topic, { maxMessages: 10, isolation: 'read_committed' });
 * const overTls = await consoleConsume(cluster, topic, {
 *   maxMessages: 5,
 *   bootstrap: cluster.bootstrapFor('SSL'),
 *   consumerConfig: { 'security.protocol': 'SSL', 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': caPath },
 * });
 * ```
 *
 * API (other tests rely on it; keep it stable):
 * - `maxMessages`: the number of records expected. The consumer stops after that many and the call
 *   rejects if fewer arrive before `timeoutMs` of silence; more than that are not read (pair it
 *   with kcatConsume, which reads to the end, to rule out extras). Without it, the consumer reads
 *   until `idleMs` pass without a record and returns what it got.
 * - `isolation`: 'read_uncommitted' (default) or 'read_committed' (`--isolation-level`).
 * - `bootstrap`: default the cluster's running PLAINTEXT listeners.
 * - `consumerConfig`: consumer properties (security.protocol, sasl.*, ssl.*, …), and
 *   `consumerConfigFile`: a properties file of them; both go in one file passed with
 *   `--consumer.config` (3.x) or `--command-config` (4.x, where the former is deprecated).
 * - The result: records shaped like kcat.ts's ConsumedRecord, sorted by partition then offset,
 *   plus `headerBytes`, the header values exactly as stored (binary-safe).
 *
 * What DefaultMessageFormatter prints (the same in 3.9.2 and 4.4.0, checked by hand): per record
 * `CreateTime:<ms>` (or `LogAppendTime:<ms>`, `NO_TIMESTAMP`), `Partition:<p>`, `Offset:<o>`, the
 * headers, the key, the value — in that order, whichever print.* are on — each followed by
 * `key.separator` except the last, then `line.separator`. Headers are `name:value` joined by
 * `headers.separator`, or `NO_HEADERS`; a null key, value or header value prints `null.literal`
 * (default "null", indistinguishable from the string). Key, value and header values are written as
 * raw bytes (no deserializer is set); the `:` after a header name is fixed.
 *
 * So that arbitrary UTF-8 (and binary values) parse unambiguously, every separator and the null
 * literal start with U+E000 (a private-use character, bytes EE 80 80), passed in a
 * `--formatter-config` file as \u escapes so that the JVM's locale cannot mangle them. Limits: no
 * key, value or header value may contain the bytes EE 80 80, and a header name may not contain
 * `:`. A record that breaks them fails the parse loudly rather than reading back wrong.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KAFKA_SH, KafkaCluster } from './KafkaCluster';
import type { ConsumedRecord } from './kcat';

export interface ConsoleConsumeOptions {
  /** Default 'read_uncommitted'. */
  isolation?: 'read_committed' | 'read_uncommitted';
  /** The records expected: stop after this many; reject if fewer come (see above). */
  maxMessages?: number;
  /** With maxMessages: silence, in ms, after which missing records fail the read. Default 30000. */
  timeoutMs?: number;
  /** Without maxMessages: silence, in ms, that ends the read. Default 5000. */
  idleMs?: number;
  /** Default: the cluster's running PLAINTEXT listeners. */
  bootstrap?: string;
  /** Consumer properties, e.g. security.protocol and sasl.jaas.config. */
  consumerConfig?: Record<string, string | number>;
  /** A consumer properties file; consumerConfig's entries override its own. */
  consumerConfigFile?: string;
}

export interface ConsoleRecord extends ConsumedRecord {
  /** Header values as stored, in record order (names may repeat); null for a null value. */
  headerBytes: Array<[string, Buffer | null]>;
}

/** Every marker starts with U+E000 (bytes EE 80 80), which test data does not contain. */
const MARK = '\uE000';
export const COLUMN = `${MARK}\u241F`; // ␟ unit separator symbol
const LINE = `${MARK}\u241E\n`; // ␞ record separator symbol
const HEADER = `${MARK}\u241D`; // ␝ group separator symbol
const NULL = `${MARK}\u2400`; // ␀ null symbol

/** A properties value with every non-ASCII character (and the newline) as a \u escape. */
export function escapeProperty(s: string): string {
  return s.replace(/[^\x21-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const FORMATTER_CONFIG = [
  'print.timestamp=true',
  'print.partition=true',
  'print.offset=true',
  'print.headers=true',
  'print.key=true',
  'print.value=true',
  `key.separator=${escapeProperty(COLUMN)}`,
  `line.separator=${escapeProperty(LINE)}`,
  `headers.separator=${escapeProperty(HEADER)}`,
  `null.literal=${escapeProperty(NULL)}`,
].join('\n');

/** Writes a properties file into the cluster's folder (removed with it); returns its path. */
export function writeProperties(cluster: KafkaCluster, what: string, text: string): string {
  const file = path.join(cluster.dir, `${what}-${randomBytes(6).toString('hex')}.properties`);
  fs.writeFileSync(file, text + '\n');
  return file;
}

/**
 * Reads `topic` from the beginning with Kafka's console consumer and returns its records sorted
 * by partition, then offset. Rejects if the consumer fails, prints what cannot be parsed, or
 * (with maxMessages) reads fewer records than expected.
 */
export async function consoleConsume(cluster: KafkaCluster, topic: string, opts: ConsoleConsumeOptions = {}): Promise<ConsoleRecord[]> {
  const formatter = writeProperties(cluster, 'formatter', FORMATTER_CONFIG);
  const consumerText = [
    opts.consumerConfigFile === undefined ? '' : fs.readFileSync(opts.consumerConfigFile, 'utf8'),
    ...Object.entries(opts.consumerConfig ?? {}).map(([k, v]) => `${k}=${v}`),
  ].join('\n');
  const consumer = writeProperties(cluster, 'consumer', consumerText);
  const silenceMs = opts.maxMessages === undefined ? (opts.idleMs ?? 5000) : (opts.timeoutMs ?? 30_000);
  const args = [
    '--bootstrap-server', opts.bootstrap ?? cluster.liveBootstrap(),
    '--topic', topic,
    '--from-beginning',
    '--isolation-level', opts.isolation ?? 'read_uncommitted',
    '--formatter-config', formatter,
    cluster.version.startsWith('3.') ? '--consumer.config' : '--command-config', consumer,
    '--timeout-ms', String(silenceMs),
  ];
  if (opts.maxMessages !== undefined) args.push('--max-messages', String(opts.maxMessages));
  try {
    // The JVM's start and the group join come before the first record: bound the whole run loosely.
    const r = await runTool(cluster.version, args, silenceMs + 60_000);
    const what = `console consumer of ${topic}`;
    if (r.timedOut) throw new Error(`${what} still running after ${silenceMs + 60_000} ms: ${r.stderr.slice(-2000)}`);
    if (r.code !== 0) throw new Error(`${what} exited with ${r.code}: ${r.stderr.slice(-2000)}`);
    const records = parseRecords(topic, r.stdout);
    if (opts.maxMessages !== undefined && records.length !== opts.maxMessages) {
      throw new Error(`${what} read ${records.length} records, expected ${opts.maxMessages} (none came for ${silenceMs} ms): ${r.stderr.slice(-1000)}`);
    }
    return records.sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
  } finally {
    fs.rmSync(formatter, { force: true });
    fs.rmSync(consumer, { force: true });
  }
}

interface Run {
  code: number | null;
  timedOut: boolean;
  stdout: Buffer;
  stderr: string;
}

/** The console consumer to completion, its stdout as bytes (record values may be binary). */
function runTool(version: string, args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [KAFKA_SH, '-v', version, 'console-consumer', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString('utf8')).slice(-8000);
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, stdout: Buffer.concat(out), stderr });
    });
  });
}

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');
const COLUMN_BYTES = bytes(COLUMN);
const LINE_BYTES = bytes(LINE);
const HEADER_BYTES = bytes(HEADER);
const NULL_BYTES = bytes(NULL);

/** `buf` cut at every `sep`. */
function split(buf: Buffer, sep: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let at = buf.indexOf(sep, start); at >= 0; at = buf.indexOf(sep, start)) {
    parts.push(buf.subarray(start, at));
    start = at + sep.length;
  }
  parts.push(buf.subarray(start));
  return parts;
}

const orNull = (b: Buffer): Buffer | null => (b.equals(NULL_BYTES) ? null : Buffer.from(b));

function parseRecords(topic: string, out: Buffer): ConsoleRecord[] {
  const lines = split(out, LINE_BYTES);
  const tail = lines.pop()!;
  if (tail.length > 0) throw new Error(`console consumer: output ends inside a record: ${tail.toString('utf8').slice(0, 200)}`);
  return lines.map((line) => parseRecord(topic, line));
}

function parseRecord(topic: string, line: Buffer): ConsoleRecord {
  const fields = split(line, COLUMN_BYTES);
  const bad = (why: string): Error => new Error(`console consumer: ${why} in record '${line.toString('utf8').slice(0, 300)}'`);
  if (fields.length !== 6) throw bad(`${fields.length} fields, not 6 (does a key or value contain U+E000?)`);
  const [ts, p, o, h] = fields.slice(0, 4).map((f) => f.toString('latin1'));
  const time = /^(CreateTime|LogAppendTime):(-?\d+)$/.exec(ts);
  if (!time && ts !== 'NO_TIMESTAMP') throw bad(`timestamp '${ts}'`);
  const partition = /^Partition:(\d+)$/.exec(p);
  const offset = /^Offset:(\d+)$/.exec(o);
  if (!partition || !offset) throw bad('no partition or offset');
  const headerBytes: Array<[string, Buffer | null]> = [];
  if (h !== 'NO_HEADERS') {
    for (const header of split(fields[3], HEADER_BYTES)) {
      const colon = header.indexOf(0x3a);
      if (colon < 0) throw bad(`header without ':'`);
      headerBytes.push([header.subarray(0, colon).toString('utf8'), orNull(header.subarray(colon + 1))]);
    }
  }
  const keyBytes = orNull(fields[4]);
  const valueBytes = orNull(fields[5]);
  return {
    topic,
    partition: Number(partition[1]),
    offset: BigInt(offset[1]),
    key: keyBytes === null ? null : keyBytes.toString('utf8'),
    value: valueBytes === null ? null : valueBytes.toString('utf8'),
    keyBytes,
    valueBytes,
    timestamp: time ? Number(time[2]) : -1,
    timestampType: time ? (time[1] === 'CreateTime' ? 'create' : 'logappend') : 'unknown',
    headers: headerBytes.map(([name, value]): [string, string | null] => [name, value === null ? null : value.toString('utf8')]),
    headerBytes,
  };
}
