import { createProducer, type Producer } from '../producer/Producer';
import type { Ack } from '../types';
import { messageOf, ProducerClosedError } from '../errors';
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
import { reportConnectionProblems } from './connectionDiagnostics';
import { exitCodeOf, Interrupt } from './interrupt';

/** The clock of latencies and duration: monotonic, sub-ms. */
const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What a run counted, for the progress line and the summary. */
interface PerfCounts {
  /** Records the producer took from the source. */
  pulled: number;
  acked: number;
  failed: number;
}

/**
 * `rxkafka perf`, modelled on kafka-producer-perf-test: produces `--num-records` generated records
 * and prints, as the last stdout line, the rate, the ack latencies (ack time − the time the
 * producer pulled the record) and the peak RSS. Exit 0 when every record was acked, 1 otherwise
 * (the summary is still printed), 2 for a bad command line (nothing connects). SIGINT/SIGTERM
 * stop the run as for `produce`: no more records, the producer closed within
 * `--close-timeout-ms`, the summary, exit 130/143; a second signal exits at once.
 */
export async function runPerf(args: string[]): Promise<number> {
  const command = parsePerfArgs(args);
  const rss = new PeakRss();
  const latency = new LatencyHistogram();
  const counts: PerfCounts = { pulled: 0, acked: 0, failed: 0 };
  const problems: string[] = [];
  let durationMs = 0;
  let metrics: ProducerMetricsSnapshot | undefined;
  const summary = (): string => {
    const s = perfSummary({
      acked: counts.acked,
      recordSize: command.recordSize,
      durationMs,
      latency: latency.summary(),
      peakRssBytes: rss.stop(),
      failed: counts.failed,
      unsent: counts.pulled - counts.acked - counts.failed,
    });
    return JSON.stringify(metrics === undefined ? s : { ...s, metrics }) + '\n';
  };
  const interrupt = new Interrupt((signal) => {
    process.stderr.write(`rxkafka: ${signal} again: exiting now, without waiting for the acks\n`);
    process.stdout.write(summary());
    process.exit(exitCodeOf(signal));
  });

  const producer = createProducer(command.config);
  const diagnostics = reportConnectionProblems(producer.connectionEvents$, process.stderr, (m) => inCliTerms(m, PERF_FLAG_OF_OPTION));
  const closed = interrupt.requested.then((signal) => {
    process.stderr.write(`rxkafka: ${signal}: stopping; waiting at most ${command.closeTimeoutMs} ms (--close-timeout-ms) for the acks\n`);
    return producer.close(command.closeTimeoutMs);
  });
  try {
    // One metadata wait up front, as produce does: with no broker or no topic every record would
    // fail alike, and the run would measure the wait, not the producer.
    let stopped = false;
    try {
      stopped = (await Promise.race([producer.cluster.waitForTopic(command.config.topic!, producer.config.maxBlockMs), interrupt.requested])) === interrupt.signal;
    } catch (err) {
      problems.push(`nothing was sent: ${messageOf(err)}`);
    }
    if (problems.length === 0 && !stopped) {
      const startMs = now();
      await produceAll(producer, command, latency, counts, problems, interrupt, closed);
      durationMs = now() - startMs;
      // No metrics$ subscriber and this the first read: the window is the whole run.
      if (command.metrics) metrics = producer.metrics();
    }
  } finally {
    diagnostics.unsubscribe();
    await producer.close();
  }

  const unsent = counts.pulled - counts.acked - counts.failed;
  if (unsent > 0) problems.push(`${unsent} record(s) without an ack when the close timeout ended: they may or may not be on the topic`);
  for (const p of problems) process.stderr.write(`rxkafka: ${inCliTerms(p, PERF_FLAG_OF_OPTION)}\n`);
  process.stdout.write(summary());
  interrupt.dispose();
  if (interrupt.signal !== null) return exitCodeOf(interrupt.signal);
  return counts.acked === command.numRecords && problems.length === 0 ? 0 : 1;
}

/** Produces every record; resolves when each is acked or failed. Stream errors go to `problems`. */
function produceAll(
  producer: Producer,
  command: PerfCommand,
  latency: LatencyHistogram,
  counts: PerfCounts,
  problems: string[],
  interrupt: Interrupt,
  closed: Promise<void>,
): Promise<void> {
  const records = new PerfRecords(command.numRecords, command.recordSize, command.keyCount, now);
  void interrupt.requested.then(() => records.stop());
  // Unlimited: the synchronous source, pulled in a tight loop without a promise per record.
  const source: Iterable<PerfRecord> | AsyncIterable<PerfRecord> =
    command.throughput === Infinity ? records : paced(records, new PacingSchedule(command.throughput, now()), now, sleep);
  const failures = new PerfFailures();
  const progress = new Progress(() => ({ records: records.pulled, acked: counts.acked, failed: counts.failed }));

  return new Promise<void>((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      counts.pulled = records.pulled;
      progress.stop();
      failures.print(process.stderr);
      resolve();
    };
    // After a signal the close bounds the wait: once it is over, records without an ack are unsent.
    void closed.then(() => setImmediate(finish));
    producer.produce(source).subscribe({
      // The hot path: one histogram update per ack, nothing allocated.
      next: (ack: Ack<number>) => {
        if (ack.error === undefined) {
          counts.acked++;
          latency.record(now() - ack.meta!);
        } else {
          // A record the close gave up on was not refused: it is unsent (its fate unknown).
          if (!(ack.error instanceof ProducerClosedError)) counts.failed++;
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
