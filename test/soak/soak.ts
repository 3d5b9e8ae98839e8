/**
 * The soak of issue 3: `npm run soak -- --records 1000000 --seconds 100 [--segment 100000] [--seed 1] [--kafka]`.
 *
 * One idempotent producer (defaults: acks all, 5 in flight) runs for the whole soak against a
 * 3-broker strict mock cluster, fed a paced stream of keyed records (test/support/faultRun.ts's
 * shape: key k<i % 600>, value v<i> padded to 100 B, meta i) while a random recoverable fault from
 * issue 3's list (./faults.ts) hits the cluster about every second. Every 5 s it prints records
 * sent / acked / read back and verified, duplicates, reorderings, losses, and RSS (now and peak);
 * at the end a summary. Exit code 0 only if nothing was lost, duplicated or reordered, and no
 * other rule of faultRun's verify() was broken. Every fault here is recoverable, so a record that
 * fails (even with a typed error) counts as lost.
 *
 * Reading everything back despite the mock's retention (each partition keeps at most 5 MiB or
 * 100,000 records, then silently drops its oldest batches): the stream is cut into segments of
 * `--segment` records (default 100,000), each going to its own 6-partition topic — records carry
 * their topic, so one producer and one stream serve them all. A segment is about 17k records and
 * 2 MB per partition, well under both limits, and nothing else is ever written to its topic. As
 * soon as every record of a segment has its ack, kcat reads that topic back and verify() checks
 * it; then the segment's acks and log are dropped, so the soak's own memory stays bounded too.
 *
 * `--kafka` runs the same stream, checks and report against a 3-node Apache Kafka cluster
 * (test/support/KafkaCluster.ts, the jars of `bash test/kafka/setup.sh`) instead of the mock, with
 * the faults a real cluster has (./kafkaFaults.ts): a random node killed with -9 and restarted,
 * paused with SIGSTOP past requestTimeoutMs then continued, or stopped cleanly and restarted; each
 * waits for the topic's replicas to be in sync again. Segment topics have RF 3 and
 * min.insync.replicas 2 (Kafka keeps everything; segments still bound the soak's own memory). A
 * restart takes seconds, so give it minutes: `npm run soak -- --kafka --records 300000 --seconds 180`.
 * There each segment is read by Kafka's console consumer too, which must agree with kcat.
 *
 * Runs the TypeScript sources directly (register.js transpiles them on load): it soaks the code as
 * it is now, without a stale dist/, and MockCluster finds the launchers that `bash
 * test/broker/setup.sh` built relative to its own source.
 */
import { Subscription } from 'rxjs';
import { createProducer } from '../../operators';
import type { Ack } from '../../src/types';
import { BROKERS, describeViolations, makeRecord, newKafkaTopic, newTopic, pacedRecords, readBack, recordBatchErrors, Report, verify, VIOLATIONS } from '../support/faultRun';
import { KafkaCluster } from '../support/KafkaCluster';
import { ConsumedRecord, kcatConsume } from '../support/kcat';
import { MockCluster } from '../support/MockCluster';
import { seededRandom } from '../support/random';
import { retry } from '../support/wait';
import { SOAK_FAULTS, SOAK_REQUEST_TIMEOUT_MS } from './faults';
import { KAFKA_SOAK_FAULTS, KAFKA_SOAK_REQUEST_TIMEOUT_MS } from './kafkaFaults';

interface Options {
  records: number;
  seconds: number;
  segment: number;
  seed: number;
}

const USAGE = 'usage: npm run soak -- [--records N] [--seconds N] [--segment N] [--seed N] [--kafka]';

function parseArgs(argv: string[]): Options & { kafka: boolean } {
  const o: Options = { records: 1_000_000, seconds: 100, segment: 100_000, seed: 1 };
  let kafka = false;
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--kafka') {
      kafka = true;
      i--;
      continue;
    }
    const name = argv[i].replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!(name in o) || !Number.isInteger(value) || value <= 0) throw new Error(`${USAGE} (bad '${argv[i]} ${argv[i + 1]}')`);
    o[name as keyof Options] = value;
  }
  return { ...o, kafka };
}

/** The cluster the soak runs against, its topics and its faults: the strict mock, or real Kafka (--kafka). */
interface SoakCluster {
  bootstrap: string;
  describe: string;
  requestTimeoutMs: number;
  newTopic(): Promise<string>;
  /** The topic's records by partition, then offset (kcat; on Kafka checked against Kafka's console consumer). */
  read(topic: string): Promise<ConsumedRecord[]>;
  faults: ReadonlyArray<{ name: string; inject(topic: string, random: () => number): Promise<void> }>;
  stop(): Promise<void>;
}

async function startCluster(kafka: boolean): Promise<SoakCluster> {
  if (kafka) {
    const c = await KafkaCluster.start({ nodes: BROKERS });
    return {
      bootstrap: c.bootstrap,
      describe: `Apache Kafka ${c.version} (${c.nodes} nodes)`,
      requestTimeoutMs: KAFKA_SOAK_REQUEST_TIMEOUT_MS,
      newTopic: () => newKafkaTopic(c, 'soak'),
      read: (topic) => readBack(c, topic),
      faults: KAFKA_SOAK_FAULTS.map((f) => ({ name: f.name, inject: (topic, random) => f.inject(c, topic, random) })),
      stop: () => c.stop(),
    };
  }
  const c = await MockCluster.start({ brokers: BROKERS });
  return {
    bootstrap: c.bootstrap,
    describe: `mock ${c.version}`,
    requestTimeoutMs: SOAK_REQUEST_TIMEOUT_MS,
    newTopic: () => newTopic(c, 'soak'),
    read: (topic) => kcatConsume(c.bootstrap, topic, { timeoutMs: 120_000 }),
    faults: SOAK_FAULTS.map((f) => ({ name: f.name, inject: (topic, random) => f.inject(c, topic, random) })),
    stop: () => c.stop(),
  };
}

const SHAPE = { keys: 600, valueBytes: 100 };
const PRINT_EVERY_MS = 5000;

/** Violations and counts summed over the verified segments. */
class Totals {
  read = 0;
  verifiedSegments = 0;
  readonly violations = new Map<string, number>();
  readonly examples: string[] = [];

  add(r: Report, topic: string): void {
    this.read += r.read;
    this.verifiedSegments++;
    for (const k of VIOLATIONS) this.violations.set(k, (this.violations.get(k) ?? 0) + r[k].count);
    for (const line of describeViolations(r)) if (this.examples.length < 20) this.examples.push(`${topic}: ${line}`);
  }

  count(...kinds: Array<(typeof VIOLATIONS)[number]>): number {
    return kinds.reduce((n, k) => n + (this.violations.get(k) ?? 0), 0);
  }
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const segments = Math.ceil(opts.records / opts.segment);
  const random = seededRandom(opts.seed);
  // KafkaCluster leaves its nodes unref'd (they must not hold a test runner open): hold the soak open ourselves.
  const keepAlive = setInterval(() => undefined, 60_000);
  const cluster = await startCluster(opts.kafka);
  const topics: string[] = [];
  for (let s = 0; s < segments; s++) topics.push(await cluster.newTopic());
  const segmentSize = (s: number): number => Math.min(opts.segment, opts.records - s * opts.segment);
  console.log(`soak: ${opts.records} records over ${opts.seconds} s, ${segments} topics of ${opts.segment}, seed ${opts.seed}, ${cluster.describe}`);

  const producer = createProducer({ brokers: cluster.bootstrap, lingerMs: 5, requestTimeoutMs: cluster.requestTimeoutMs, stopOnError: false });
  const batchErrors = recordBatchErrors(producer);
  const totals = new Totals();
  const segmentAcks: Array<Ack<number>[] | null> = topics.map(() => []);
  let sent = 0;
  let acked = 0;
  let failed = 0;
  const faultsDone = new Map<string, number>();
  const rssTimeline: string[] = [];
  const started = Date.now();

  // Read-back: one segment at a time, in the order they complete.
  let readChain: Promise<void> = Promise.resolve();
  const verifySegment = (s: number): void => {
    const acks = segmentAcks[s]!;
    segmentAcks[s] = null;
    readChain = readChain.then(async () => {
      // kcat gives up when every broker is down (a fault of the list): read again once they are back.
      const read = await retry(() => cluster.read(topics[s]), 60_000);
      totals.add(verify({ first: s * opts.segment, n: segmentSize(s), keys: SHAPE.keys, acks, error: null, read }), topics[s]);
    }).catch((err: unknown) => {
      // Not verified: the summary says so and the soak fails (totals.verifiedSegments < segments).
      console.log(`${topics[s]}: could not be read back: ${String(err)}`);
    });
  };

  const status = (): string => {
    const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
    const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
    return (
      `t=${Math.round((Date.now() - started) / 1000)}s sent=${sent} acked=${acked} failed=${failed} readBack=${totals.read} ` +
      `duplicated=${totals.count('duplicated', 'badAcks')} reordered=${totals.count('reordered', 'acksDisordered')} ` +
      `lost=${totals.count('lost', 'unanswered') + failed} rss=${rssMb}MB peakRss=${peakMb}MB`
    );
  };
  const printer = setInterval(() => {
    const line = status();
    rssTimeline.push(line.replace(/.* (rss=\d+MB).*/, `${Math.round((Date.now() - started) / 1000)}s:$1`));
    console.log(line);
  }, PRINT_EVERY_MS);

  // Faults: one at a time, the next about a second after the previous one ended.
  let streaming = true;
  const faultLoop = (async () => {
    while (streaming) {
      await new Promise((r) => setTimeout(r, 700 + random() * 600));
      if (!streaming) break;
      const fault = cluster.faults[Math.floor(random() * cluster.faults.length)];
      const topic = topics[Math.min(segments - 1, Math.floor(sent / opts.segment))];
      await fault.inject(topic, random);
      faultsDone.set(fault.name, (faultsDone.get(fault.name) ?? 0) + 1);
    }
  })();

  const source = pacedRecords(0, opts.records, opts.seconds * 1000, (i) => {
    sent = i + 1;
    return makeRecord(i, SHAPE, topics[Math.floor(i / opts.segment)]);
  });
  let subscription: Subscription | undefined;
  const streamError = await new Promise<unknown>((resolve) => {
    subscription = producer.produce<string, string, number>(source).subscribe({
      next: (a) => {
        if (a.error === undefined) acked++;
        else failed++;
        const s = Math.floor(a.meta! / opts.segment);
        const list = segmentAcks[s];
        if (list === null) return; // an ack after its segment was verified: verify() saw it missing or twice
        list.push(a);
        if (list.length === segmentSize(s)) verifySegment(s);
      },
      error: resolve,
      complete: () => resolve(null),
    });
  });
  subscription?.unsubscribe();
  streaming = false;
  await faultLoop;
  await producer.close();
  // Segments that never got all their acks are verified as they are (verify() reports the gaps).
  for (let s = 0; s < segments; s++) if (segmentAcks[s] !== null) verifySegment(s);
  await readChain;
  clearInterval(printer);
  await cluster.stop();
  clearInterval(keepAlive);

  console.log(status());
  console.log(`\nsummary: ${opts.records} records in ${Math.round((Date.now() - started) / 1000)} s, ${totals.verifiedSegments}/${segments} topics read back and verified`);
  console.log(`  faults injected: ${[...faultsDone].map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  const seen = new Map<string, number>();
  for (const e of batchErrors) seen.set(e, (seen.get(e) ?? 0) + 1);
  console.log(`  batch errors the producer handled: ${[...seen].map(([k, v]) => `${k} ×${v}`).join(', ') || 'none'}`);
  console.log(`  RSS over time: ${rssTimeline.join(' ')}`);
  if (streamError !== null) console.log(`  the stream failed: ${String(streamError)}`);
  for (const line of totals.examples) console.log(`  ${line}`);
  const violations = VIOLATIONS.reduce((n, k) => n + totals.count(k), 0);
  const ok = streamError === null && failed === 0 && violations === 0 && totals.verifiedSegments === segments && totals.read === opts.records;
  console.log(ok ? 'PASS: 0 lost, 0 duplicated, 0 reordered' : 'FAIL');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
