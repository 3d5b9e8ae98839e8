/**
 * The fault harness shared by test/integration/retries.test.ts, test/faults/, test/real-kafka/faults/
 * and the soak (test/soak/): a paced stream of keyed records produced to a cluster — librdkafka's
 * mock (MockCluster) or Apache Kafka (KafkaCluster) — a fault injected mid-stream, the topic read
 * back with kcat (on Kafka, and by Kafka's console consumer too: readBack), and verify() to hold
 * the outcome against what Kafka promises an idempotent producer:
 *  - every record sent has exactly one ack (or, when the stream stopped on an error, none);
 *  - an acked record is in the log exactly at the partition and offset of its ack (else: lost);
 *  - a failed record is not in the log, unless its error leaves its fate unknown (a delivery
 *    timeout: its request may have been written, as with Java) — "failed but written";
 *  - nothing is in the log twice, nothing is there that was not sent;
 *  - each key's records are in one partition, in send order;
 *  - the acks of a partition come in send order with increasing offsets.
 * Record i has key `k<i % keys>`, value `v<i>` padded with dots to `valueBytes`, and meta i.
 *
 * Nothing here depends on jest (the soak runs under plain node): verify() returns a Report, and
 * assertConsistent() throws an Error listing the violations, which jest reports as a failure.
 */
import { Observable } from 'rxjs';
import { createProducer, DeliveryTimeoutError, KafkaProtocolError, RecordError } from '../../operators';
import type { Producer } from '../../src/producer/Producer';
import type { ProducerConfig } from '../../src/config/config';
import type { Ack, ProducerRecord } from '../../src/types';
import { consoleConsume } from './consoleConsumer';
import { KafkaCluster } from './KafkaCluster';
import { ConsumedRecord, kcatConsume } from './kcat';
import { MockCluster } from './MockCluster';

export const BROKERS = 3;
export const PARTITIONS = 6;

/** How records look: key `k<i % keys>`, value `v<i>` padded to `valueBytes` (no padding when shorter). */
export interface RecordShape {
  keys: number;
  valueBytes: number;
}

export type TestRecord = ProducerRecord<string, string, number>;

export function makeRecord(i: number, shape: RecordShape, topic?: string): TestRecord {
  const value = `v${i}`;
  return { topic, key: `k${i % shape.keys}`, value: value.length < shape.valueBytes ? value.padEnd(shape.valueBytes, '.') : value, meta: i };
}

/** The record index a log value was made from (see makeRecord), or NaN for a value we never sent. */
export function indexOf(value: string | null): number {
  if (value === null || value[0] !== 'v') return NaN;
  const end = value.indexOf('.');
  const digits = end < 0 ? value.slice(1) : value.slice(1, end);
  return /^\d+$/.test(digits) ? Number(digits) : NaN;
}

/** Partition p is led by broker (p % 3) + 1, so a test knows who leads what. */
export function leaderOf(partition: number): number {
  return (partition % BROKERS) + 1;
}

/** For jest files: a fresh 3-broker cluster for each test; returns its getter. */
export function clusterPerTest(): () => MockCluster {
  let cluster: MockCluster | undefined;
  beforeEach(async () => {
    cluster = await MockCluster.start({ brokers: BROKERS });
  });
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });
  return () => {
    if (cluster === undefined) throw new Error('faultRun: no cluster outside a test');
    return cluster;
  };
}

let topicSeq = 0;

/** A new topic of `partitions` partitions (default 6), partition p led by leaderOf(p). */
export async function newTopic(cluster: MockCluster, prefix = 'faults', partitions = PARTITIONS): Promise<string> {
  const name = `${prefix}-${process.pid}-${++topicSeq}`;
  await cluster.createTopic(name, partitions, 1);
  for (let p = 0; p < partitions; p++) await cluster.setLeader(name, p, leaderOf(p));
  return name;
}

/**
 * Records first..first+n-1 pushed at a steady pace, so that the last goes out after about
 * `durationMs` whatever the timer's lateness (each tick catches up to where the clock says).
 */
export function pacedRecords(first: number, n: number, durationMs: number, make: (i: number) => TestRecord): Observable<TestRecord> {
  const tickMs = 10;
  return new Observable<TestRecord>((subscriber) => {
    const started = Date.now();
    let next = first;
    const end = first + n;
    const tick = (): void => {
      const due = Math.min(end, first + Math.ceil((n * (Date.now() - started + tickMs)) / durationMs));
      while (next < due && !subscriber.closed) subscriber.next(make(next++));
      if (next >= end) {
        clearInterval(timer);
        subscriber.complete();
      }
    };
    const timer = setInterval(tick, tickMs);
    return () => clearInterval(timer);
  });
}

/**
 * Collects why the sender retried or failed a batch (Kafka error names, else error class names),
 * in order: proof that a fault was hit, not merely survived. Hooks the Sender's retry-or-fail
 * decision (Java's canRetry), which every batch-level error goes through.
 */
export function recordBatchErrors(producer: Producer): string[] {
  const errors: string[] = [];
  const outcomes = producer.sender.outcomes as unknown as { retryOrFail?: (b: unknown, e: Error, ...rest: unknown[]) => void };
  if (typeof outcomes.retryOrFail !== 'function') throw new Error('faultRun: BatchOutcomes.retryOrFail is gone; update recordBatchErrors to its successor');
  const retryOrFail = outcomes.retryOrFail.bind(outcomes);
  outcomes.retryOrFail = (b, e, ...rest) => {
    errors.push(e instanceof KafkaProtocolError ? e.type : e.name);
    retryOrFail(b, e, ...rest);
  };
  return errors;
}

/** A cluster run() produces to: the mock, or real Kafka. */
export type FaultCluster = MockCluster | KafkaCluster;

export interface FaultContext<C extends FaultCluster = MockCluster> {
  cluster: C;
  topic: string;
  producer: Producer;
  /** Records pushed into the producer so far: records 0..sent()-1. */
  sent: () => number;
  /** The acks so far (the live array), in arrival order. */
  acks: readonly Ack<number>[];
  /** The batch errors so far (the live array, see recordBatchErrors). */
  batchErrors: readonly string[];
}

export interface Scenario<C extends FaultCluster = MockCluster> extends Partial<RecordShape> {
  /** Topic to produce to; default a new one of 6 partitions (newTopic on the mock; RF 3, min.insync.replicas 2 on Kafka). */
  topic?: string;
  /** Records to produce (default 100,000), over about `durationMs` (default 5000). */
  n?: number;
  durationMs?: number;
  /** Producer options on top of the bootstrap, the topic and lingerMs 5. */
  config?: Partial<ProducerConfig>;
  /**
   * The fault: started at the first ack after record `faultAt` (default n/3) went in — the
   * producer is flowing — or, with `faultAtMs`, that long after the stream started (for faults
   * that stop every ack). Awaited before reading back.
   */
  fault?: (ctx: FaultContext<C>) => Promise<void>;
  faultAt?: number;
  faultAtMs?: number;
  /** After the stream ended and before kcat reads (e.g. bring a dead broker back so it can be read). */
  beforeRead?: () => Promise<void>;
}

export interface Delivery {
  /** Records first..first+n-1 were sent (see makeRecord). */
  first: number;
  n: number;
  keys: number;
  acks: Ack<number>[];
  /** The stream's error (stopOnError), else null: records without an ack failed with it. */
  error: unknown;
  /** The topic as kcat read it, by partition then offset. */
  read: ConsumedRecord[];
}

export interface Outcome extends Delivery {
  topic: string;
  /** When each ack arrived (Date.now()), parallel to `acks`. */
  ackTimes: number[];
  /** When the stream was subscribed (Date.now()), and how long until it ended. */
  startedMs: number;
  elapsedMs: number;
  /** See recordBatchErrors. */
  batchErrors: string[];
}

/** Produces a paced stream to a 6-partition topic with the fault injected mid-stream, then reads the topic back (readBack). */
export async function run<C extends FaultCluster>(cluster: C, s: Scenario<C>): Promise<Outcome> {
  const topic = s.topic ?? (cluster instanceof MockCluster ? await newTopic(cluster) : await newKafkaTopic(cluster));
  const n = s.n ?? 100_000;
  const shape: RecordShape = { keys: s.keys ?? 600, valueBytes: s.valueBytes ?? 100 };
  const faultAt = s.faultAt ?? Math.floor(n / 3);
  const producer = createProducer({ brokers: cluster.bootstrap, topic, lingerMs: 5, ...s.config });
  const batchErrors = recordBatchErrors(producer);
  const acks: Ack<number>[] = [];
  let sent = 0;
  const ctx: FaultContext<C> = { cluster, topic, producer, sent: () => sent, acks, batchErrors };

  let faultDue = false;
  let fault: Promise<void> | null = null;
  const startFault = (): void => {
    if (fault === null && s.fault !== undefined) fault = s.fault(ctx);
  };
  const source = pacedRecords(0, n, s.durationMs ?? 5000, (i) => {
    if (i === faultAt) faultDue = true;
    sent = i + 1;
    return makeRecord(i, shape);
  });
  const ackTimes: number[] = [];
  const started = Date.now();
  const timer = s.faultAtMs === undefined ? undefined : setTimeout(startFault, s.faultAtMs);
  const error = await new Promise<unknown>((resolve) =>
    producer.produce<string, string, number>(source).subscribe({
      next: (a) => {
        acks.push(a);
        ackTimes.push(Date.now());
        if (faultDue && s.faultAtMs === undefined) startFault();
      },
      error: resolve,
      complete: () => resolve(null),
    }),
  );
  const elapsedMs = Date.now() - started;
  clearTimeout(timer);
  await producer.close();
  if (s.fault !== undefined && fault === null) throw new Error('faultRun: the stream ended before the fault was injected');
  await fault;
  await s.beforeRead?.();
  const read = await readBack(cluster, topic);
  return { topic, first: 0, n, keys: shape.keys, acks, ackTimes, error, read, startedMs: started, elapsedMs, batchErrors };
}

/** A new topic on real Kafka: 6 partitions (TopicCommand: RF 3, min.insync.replicas 2 unless `config` says otherwise). */
export async function newKafkaTopic(cluster: KafkaCluster, prefix = 'faults', opts: Parameters<KafkaCluster['createTopic']>[2] = {}): Promise<string> {
  const name = `${prefix}-${process.pid}-${++topicSeq}`;
  await cluster.createTopic(name, opts.replicaAssignment?.length ?? PARTITIONS, opts);
  return name;
}

/**
 * The topic as kcat reads it (CRC-checked), by partition then offset. On the mock, every broker's
 * round trip is reset first: kcat fetches about a batch per partition per round trip, so a round
 * trip the fault left behind would make reading 100k records take tens of seconds. On Kafka,
 * Kafka's own console consumer reads the topic too and must find the very same records at the
 * same offsets (kcat reads to the end; Java then reads as many, so an extra would show as a
 * difference); every node should be running again (see Scenario.beforeRead).
 */
export async function readBack(cluster: FaultCluster, topic: string): Promise<ConsumedRecord[]> {
  if (cluster instanceof MockCluster) {
    for (let id = 1; id <= cluster.brokers.length; id++) await cluster.setRtt(id, 0);
    return kcatConsume(cluster.bootstrap, topic, { timeoutMs: 60_000 });
  }
  const read = await kcatConsume(cluster.liveBootstrap(), topic, { timeoutMs: 90_000 });
  // (Without maxMessages the console consumer reads until 10 s pass without a record: an empty topic.)
  const byJava = await consoleConsume(cluster, topic, read.length > 0 ? { maxMessages: read.length, timeoutMs: 60_000 } : { idleMs: 10_000 });
  if (byJava.length !== read.length) throw new Error(`${topic}: kcat read ${read.length} records, Kafka's console consumer ${byJava.length}`);
  const sameAt = (k: number): boolean =>
    byJava[k].partition === read[k].partition && byJava[k].offset === read[k].offset && byJava[k].key === read[k].key && byJava[k].value === read[k].value;
  for (let k = 0; k < read.length; k++) {
    if (!sameAt(k)) {
      const show = (r: ConsumedRecord): string => `${r.key}=${r.value?.slice(0, 20)} @${r.partition}:${r.offset}`;
      throw new Error(`${topic}: kcat and Kafka's console consumer disagree at record ${k}: kcat ${show(read[k])}, Java ${show(byJava[k])}`);
    }
  }
  return read;
}

/** A count and the first few examples. */
export interface Tally {
  count: number;
  samples: string[];
}

function tally(): Tally {
  return { count: 0, samples: [] };
}

function add(t: Tally, sample: string): void {
  t.count++;
  if (t.samples.length < 5) t.samples.push(sample);
}

export interface Report {
  sent: number;
  acked: number;
  failed: number;
  /** Records in the log (tolerated re-appended copies excluded, see VerifyOptions.reappendOn). */
  read: number;
  /** Failed with an error that leaves their fate unknown, yet in the log: allowed (see VerifyOptions.unknownFate). */
  failedButWritten: Tally;
  // Violations:
  /** Two acks for one record, or an ack for a record never sent. */
  badAcks: Tally;
  /** Sent and neither acked nor failed, though the stream completed. */
  unanswered: Tally;
  /** Acked, but not in the log where the ack says. */
  lost: Tally;
  /** Failed with a definite error (or left unacked by the stream's error), yet in the log. */
  writtenDespiteFailure: Tally;
  /** A record in the log twice. */
  duplicated: Tally;
  /** In the log but never sent, or under the wrong key. */
  strangers: Tally;
  /** A key's records out of send order, or in two partitions. */
  reordered: Tally;
  /** A partition's acks out of send order, or offsets not increasing. */
  acksDisordered: Tally;
}

export const VIOLATIONS = ['badAcks', 'unanswered', 'lost', 'writtenDespiteFailure', 'duplicated', 'strangers', 'reordered', 'acksDisordered'] as const;

type ErrorClass = abstract new (...args: never[]) => Error;

export interface VerifyOptions {
  /** Check per-key order in the log and send order of acks (default true). */
  order?: boolean;
  /**
   * Errors that leave a record's fate unknown: its request may have been written before the
   * producer gave up. Default [DeliveryTimeoutError], as Java's timed-out batches.
   */
  unknownFate?: ErrorClass[];
  /**
   * For the stock (non-strict) mock only: partitions of a broker that went down with requests in
   * flight, where the mock may have appended a request whose response the outage lost, so its
   * retry appends the same records again. Tolerated there in exactly that shape — one block of
   * records written twice in a row, the first copy unacked — and nowhere else. A strict broker
   * (like Kafka) recognises the retry by its sequence number and writes nothing.
   */
  reappendOn?: ReadonlySet<number>;
}

/** Holds a delivery against the rules at the top of this file. */
export function verify(d: Delivery, opts: VerifyOptions = {}): Report {
  const r: Report = {
    sent: d.n,
    acked: 0,
    failed: 0,
    read: 0,
    failedButWritten: tally(),
    badAcks: tally(),
    unanswered: tally(),
    lost: tally(),
    writtenDespiteFailure: tally(),
    duplicated: tally(),
    strangers: tally(),
    reordered: tally(),
    acksDisordered: tally(),
  };
  const end = d.first + d.n;
  const unknownFate = opts.unknownFate ?? [DeliveryTimeoutError];
  // Per record index - first: its ack, if any.
  const ackOf: Array<Ack<number> | undefined> = new Array(d.n);
  for (const a of d.acks) {
    const i = a.meta!;
    if (!(i >= d.first && i < end) || ackOf[i - d.first] !== undefined) {
      add(r.badAcks, `ack for v${i}${ackOf[i - d.first] !== undefined ? ' twice' : ' never sent'}`);
      continue;
    }
    ackOf[i - d.first] = a;
    if (a.error === undefined) r.acked++;
    else r.failed++;
  }
  // Records without an ack failed with the stream's error, if it has one.
  const streamCause = d.error instanceof RecordError ? d.error.cause : d.error;
  if (d.error === null) {
    for (let k = 0; k < d.n; k++) if (ackOf[k] === undefined) add(r.unanswered, `v${d.first + k}`);
  }

  const { log, dropped } = withoutReappendedBlock(d.read, opts.reappendOn ?? new Set());
  r.read = log.length;
  const inLog = new Map<number, ConsumedRecord>();
  for (const rec of log) {
    const i = indexOf(rec.value);
    if (!(i >= d.first && i < end) || rec.key !== `k${i % d.keys}`) {
      add(r.strangers, `${rec.key}=${rec.value?.slice(0, 20)} @${rec.partition}:${rec.offset}`);
      continue;
    }
    if (inLog.has(i)) {
      add(r.duplicated, `v${i} @${inLog.get(i)!.partition}:${inLog.get(i)!.offset} and @${rec.partition}:${rec.offset}`);
      continue;
    }
    inLog.set(i, rec);
    const a = ackOf[i - d.first];
    if (a === undefined || a.error !== undefined) {
      const error = a === undefined ? streamCause : a.error;
      const where = `v${i} @${rec.partition}:${rec.offset} (${a === undefined ? 'no ack' : 'failed'}: ${errorName(error)})`;
      if (unknownFate.some((c) => error instanceof c)) add(r.failedButWritten, where);
      else add(r.writtenDespiteFailure, where);
    }
  }
  for (let k = 0; k < d.n; k++) {
    const a = ackOf[k];
    if (a === undefined || a.error !== undefined) continue;
    const rec = inLog.get(d.first + k);
    const at = `${a.partition}:${a.offset}`;
    if (rec === undefined || rec.partition !== a.partition || rec.offset !== a.offset || dropped.has(at)) {
      add(r.lost, `v${d.first + k} acked at ${at}, ${rec === undefined ? 'not in the log' : `in the log at ${rec.partition}:${rec.offset}`}`);
    }
  }

  if (opts.order !== false) {
    // Per key: one partition, send order (the log is sorted by partition, then offset).
    const lastByKey = new Map<string, ConsumedRecord>();
    for (const rec of log) {
      const prev = lastByKey.get(rec.key!);
      if (prev !== undefined && (prev.partition !== rec.partition || indexOf(prev.value) > indexOf(rec.value))) {
        add(r.reordered, `${rec.key}: v${indexOf(prev.value)} @${prev.partition}:${prev.offset} before v${indexOf(rec.value)} @${rec.partition}:${rec.offset}`);
      }
      lastByKey.set(rec.key!, rec);
    }
    // Acks of a partition: send order, increasing offsets.
    const lastAck = new Map<string, Ack<number>>();
    for (const a of d.acks) {
      if (a.error !== undefined) continue;
      const tp = `${a.topic}-${a.partition}`;
      const prev = lastAck.get(tp);
      if (prev !== undefined && (a.meta! <= prev.meta! || a.offset <= prev.offset!)) {
        add(r.acksDisordered, `${tp}: v${a.meta} @${a.offset} acked after v${prev.meta} @${prev.offset}`);
      }
      lastAck.set(tp, a);
    }
  }
  return r;
}

function errorName(e: unknown): string {
  if (e instanceof KafkaProtocolError) return e.type;
  return e instanceof Error ? e.name : String(e);
}

/** The violations of a report, one line each with examples; empty when it is consistent. */
export function describeViolations(r: Report): string[] {
  return VIOLATIONS.filter((k) => r[k].count > 0).map((k) => `${k}: ${r[k].count} (e.g. ${r[k].samples.join('; ')})`);
}

/** Throws if the report has any violation (a jest failure in tests, a message in the soak). */
export function assertConsistent(r: Report): void {
  const v = describeViolations(r);
  if (v.length > 0) throw new Error(`inconsistent delivery (${r.sent} sent, ${r.acked} acked, ${r.failed} failed, ${r.read} in the log):\n  ${v.join('\n  ')}`);
}

/** Every record acked and in the log exactly once, in order (see verify); returns the report. */
export function assertAllDelivered(o: Outcome, opts: VerifyOptions = {}): Report {
  if (o.error !== null) throw new Error(`the stream failed: ${errorName(o.error)}: ${(o.error as Error).message}`);
  const failures = o.acks.filter((a) => a.error !== undefined);
  if (failures.length > 0) throw new Error(`${failures.length} record(s) failed, e.g. v${failures[0].meta}: ${failures[0].error!.message}`);
  const r = verify(o, opts);
  assertConsistent(r);
  if (r.acked !== o.n || r.read !== o.n) throw new Error(`${o.n} sent, ${r.acked} acked, ${r.read} in the log`);
  return r;
}

/**
 * Removes, in each partition of `partitions`, the first copy of a block written twice in a row
 * (L = S[0..b) + S[a..b) + S[b..) becomes S). Anything else that repeats stays, for verify() to
 * report. Returns the coordinates removed.
 */
function withoutReappendedBlock(read: ConsumedRecord[], partitions: ReadonlySet<number>): { log: ConsumedRecord[]; dropped: Set<string> } {
  const dropped = new Set<string>();
  if (partitions.size === 0) return { log: read, dropped };
  const log: ConsumedRecord[] = [];
  const byPartition = new Map<number, ConsumedRecord[]>();
  for (const rec of read) {
    let list = byPartition.get(rec.partition);
    if (list === undefined) byPartition.set(rec.partition, (list = []));
    list.push(rec);
  }
  for (const [p, list] of byPartition) {
    if (partitions.has(p)) {
      const firstAt = new Map<number, number>();
      for (let b = 0; b < list.length; b++) {
        const a = firstAt.get(indexOf(list[b].value));
        if (a === undefined) {
          firstAt.set(indexOf(list[b].value), b);
          continue;
        }
        // list[b] repeats list[a]: the whole of list[a..b) must follow again from b.
        const len = b - a;
        let repeated = b + len <= list.length;
        for (let k = 0; repeated && k < len; k++) repeated = indexOf(list[a + k].value) === indexOf(list[b + k].value);
        if (repeated) {
          for (const rec of list.splice(a, len)) dropped.add(`${rec.partition}:${rec.offset}`);
        }
        break;
      }
    }
    log.push(...list);
  }
  return { log, dropped };
}

/** Counts the producer's metadata refreshes from now on (wraps Cluster.refresh); read with the returned function. */
export function countRefreshes(producer: Producer): () => number {
  let refreshes = 0;
  const cl = producer.cluster;
  const refresh = cl.refresh.bind(cl);
  cl.refresh = () => {
    refreshes++;
    return refresh();
  };
  return () => refreshes;
}

/**
 * The stream ended (stopOnError) with a RecordError caused by the Kafka error `type` on the
 * outcome's topic, after emitting only successful acks. Returns the error for further checks.
 */
export function expectStoppedBy(o: Outcome, type: string): RecordError<number> {
  expect(o.error).toBeInstanceOf(RecordError);
  const err = o.error as RecordError<number>;
  expect(err.cause).toBeInstanceOf(KafkaProtocolError);
  expect((err.cause as KafkaProtocolError).type).toBe(type);
  expect(err.message).toContain(o.topic);
  expect(typeof err.record.meta).toBe('number');
  expect(o.acks.every((a) => a.error === undefined)).toBe(true);
  return err;
}
