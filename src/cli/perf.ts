import { createProducer, type Producer } from '../producer/Producer';
import type { Ack } from '../types';
import { messageOf } from '../errors';
import type { ProducerMetricsSnapshot } from '../metrics/MetricsSnapshot';
import { inCliTerms } from './options';
import { PerfFailures } from './perfFailures';
import { LatencyHistogram } from '../metrics/LatencyHistogram';
import { PERF_FLAG_OF_OPTION, parsePerfArgs, type PerfCommand } from './perfOptions';
import { PacingSchedule } from './perfPacing';
import { paced, PerfRecords, type PerfRecord } from './perfRecords';
import { PeakRss } from './perfRss';
import { perfSummary } from './perfSummary';
import { Progress } from './progress';

/** The clock of latencies and duration: monotonic, sub-ms. */
const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What a run counted, for the progress line and the summary. */
interface PerfCounts {
  acked: number;
  failed: number;
}

/**
 * `rxkafka perf`, modelled on kafka-producer-perf-test: produces `--num-records` generated records
 * and prints, as the last stdout line, the rate, the ack latencies (ack time − the time the
 * producer pulled the record) and the peak RSS. Exit 0 when every record was acked, 1 otherwise
 * (the summary is still printed), 2 for a bad command line (nothing connects).
 */
export async function runPerf(args: string[]): Promise<number> {
  const command = parsePerfArgs(args);
  const rss = new PeakRss();
  const latency = new LatencyHistogram();
  const counts: PerfCounts = { acked: 0, failed: 0 };
  const problems: string[] = [];
  let durationMs = 0;
  let metrics: ProducerMetricsSnapshot | undefined;

  const producer = createProducer(command.config);
  try {
    // One metadata wait up front, as produce does: with no broker or no topic every record would
    // fail alike, and the run would measure the wait, not the producer.
    try {
      await producer.cluster.waitForTopic(command.config.topic!, producer.config.maxBlockMs);
    } catch (err) {
      problems.push(`nothing was sent: ${messageOf(err)}`);
    }
    if (problems.length === 0) {
      const startMs = now();
      await produceAll(producer, command, latency, counts, problems);
      durationMs = now() - startMs;
      // No metrics$ subscriber and this the first read: the window is the whole run.
      if (command.metrics) metrics = producer.metrics();
    }
  } finally {
    await producer.close();
  }

  for (const p of problems) process.stderr.write(`rxkafka: ${inCliTerms(p, PERF_FLAG_OF_OPTION)}\n`);
  const summary = perfSummary({
    acked: counts.acked,
    recordSize: command.recordSize,
    durationMs,
    latency: latency.summary(),
    peakRssBytes: rss.stop(),
  });
  process.stdout.write(JSON.stringify(metrics === undefined ? summary : { ...summary, metrics }) + '\n');
  return counts.acked === command.numRecords && problems.length === 0 ? 0 : 1;
}

/** Produces every record; resolves when each is acked or failed. Stream errors go to `problems`. */
function produceAll(producer: Producer, command: PerfCommand, latency: LatencyHistogram, counts: PerfCounts, problems: string[]): Promise<void> {
  const records = new PerfRecords(command.numRecords, command.recordSize, command.keyCount, now);
  // Unlimited: the synchronous source, pulled in a tight loop without a promise per record.
  const source: Iterable<PerfRecord> | AsyncIterable<PerfRecord> =
    command.throughput === Infinity ? records : paced(records, new PacingSchedule(command.throughput, now()), now, sleep);
  const failures = new PerfFailures();
  const progress = new Progress(() => ({ records: records.pulled, acked: counts.acked, failed: counts.failed }));

  return new Promise<void>((resolve) => {
    const finish = (): void => {
      progress.stop();
      failures.print(process.stderr);
      resolve();
    };
    producer.produce(source).subscribe({
      // The hot path: one histogram update per ack, nothing allocated.
      next: (ack: Ack<number>) => {
        if (ack.error === undefined) {
          counts.acked++;
          latency.record(now() - ack.meta!);
        } else {
          counts.failed++;
          failures.add(inCliTerms(ack.error.message, PERF_FLAG_OF_OPTION));
        }
      },
      error: (err: unknown) => {
        problems.push(messageOf(err));
        finish();
      },
      complete: finish,
    });
  });
}
