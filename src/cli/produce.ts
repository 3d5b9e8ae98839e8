import { open } from 'node:fs/promises';
import type { Producer } from '../producer/Producer';
import { createProducer } from '../producer/Producer';
import type { ProducerRecord } from '../types';
import { FailureReport } from './FailureReport';
import { readLines } from './lines';
import { ndjsonKey, NdjsonLineError } from './ndjsonKey';
import { inCliTerms } from './options';
import { PRODUCE_FLAG_OF_OPTION, parseProduceArgs, type ProduceCommand } from './produceOptions';
import { Progress } from './progress';
import { reportConnectionProblems } from './connectionDiagnostics';
import { exitCodeOf, Interrupt, untilStopped } from './interrupt';
import { messageOf, ProducerClosedError } from '../errors';

/**
 * Counts for the summary. `records` are the input lines that became records (empty lines do not);
 * each ends acked, failed (the broker or the producer said no, or not valid JSON), or neither —
 * unsent, when the run was stopped before its ack: records = acked + failed + unsent.
 */
interface Counts {
  records: number;
  acked: number;
  failed: number;
}

/**
 * `rxkafka produce`: one record per input line, the last stdout line a JSON summary, exit 0 only
 * when every record was acked. Any other outcome (exit 1) also ends with the summary; a bad
 * command line (exit 2) is rejected before anything connects or is read, with no summary.
 *
 * Lines follow `kcat -P`: the value is the line's bytes without the '\n' — a '\r' before it is
 * kept, a last line without '\n' is a record, an empty line is skipped (and reported on stderr).
 *
 * SIGINT or SIGTERM stops reading, closes the producer within `--close-timeout-ms` (it flushes
 * what was read, then gives up on the rest) and ends with the summary, exit 130 or 143; a second
 * signal prints the summary as it stands and exits at once.
 */
export async function runProduce(args: string[]): Promise<number> {
  const command = parseProduceArgs(args);
  const startMs = Date.now();
  const counts: Counts = { records: 0, acked: 0, failed: 0 };
  const interrupt = new Interrupt((signal) => {
    process.stderr.write(`rxkafka: ${signal} again: exiting now, without waiting for the acks\n`);
    printSummary(counts, startMs);
    process.exit(exitCodeOf(signal));
  });
  const finish = (problems: string[]): number => {
    for (const p of problems) process.stderr.write(`rxkafka: ${inCliTerms(p, PRODUCE_FLAG_OF_OPTION)}\n`);
    const notDelivered = printSummary(counts, startMs);
    interrupt.dispose();
    if (interrupt.signal !== null) return exitCodeOf(interrupt.signal);
    return notDelivered === 0 && problems.length === 0 ? 0 : 1;
  };

  // Open the input first: a wrong path should not cost a connection attempt.
  let input: AsyncIterable<Buffer>;
  if (command.file === undefined) input = process.stdin;
  else {
    try {
      const handle = await open(command.file, 'r');
      if ((await handle.stat()).isDirectory()) {
        await handle.close();
        return finish([`cannot read '${command.file}': it is a directory`]);
      }
      input = handle.createReadStream();
    } catch (err) {
      return finish([`cannot read '${command.file}': ${(err as Error).message}`]);
    }
  }

  const producer = createProducer(command.config);
  const diagnostics = reportConnectionProblems(producer.connectionEvents$, process.stderr, (m) => inCliTerms(m, PRODUCE_FLAG_OF_OPTION));
  // On the first signal: close within the timeout, which sends what was read at once (lingerMs
  // ignored) and fails what is still unacked when the time is up.
  const closed = interrupt.requested.then((signal) => {
    process.stderr.write(`rxkafka: ${signal}: stopped reading; waiting at most ${command.closeTimeoutMs} ms (--close-timeout-ms) for the acks\n`);
    return producer.close(command.closeTimeoutMs);
  });
  try {
    // One metadata wait up front: with no reachable broker or no such topic, every record would
    // fail the same way, each after waiting maxBlockMs. Say it once and read nothing.
    try {
      const stopped = await Promise.race([producer.cluster.waitForTopic(command.config.topic!, producer.config.maxBlockMs), interrupt.requested]);
      if (typeof stopped === 'string') return finish([]);
    } catch (err) {
      return finish([`nothing was sent, the input was not read: ${(err as Error).message}`]);
    }
    const problems = await produceLines(producer, untilStopped(input, interrupt.requested), command, counts, interrupt, closed);
    return finish(problems);
  } finally {
    diagnostics.unsubscribe();
    await producer.close();
  }
}

/** Produces every line of `input`; resolves when each record is acked or failed, with the problems to report. */
async function produceLines(
  producer: Producer,
  input: AsyncIterable<Buffer>,
  command: ProduceCommand,
  counts: Counts,
  interrupt: Interrupt,
  closed: Promise<void>,
): Promise<string[]> {
  const ndjson = command.format === 'ndjson';
  const keyField = command.keyField;
  const failures = new FailureReport();
  const problems: string[] = [];
  const progress = new Progress(() => counts);
  let emptyLines = 0;

  async function* records(): AsyncGenerator<ProducerRecord<string, Buffer, number>> {
    let lineNo = 0;
    try {
      for await (const line of readLines(input)) {
        // Stopped: the rest of the chunk at hand (and a last line cut short) is not read.
        if (interrupt.signal !== null) break;
        lineNo++;
        if (line.length === 0) {
          emptyLines++;
          continue;
        }
        counts.records++;
        let key: string | null = null;
        if (ndjson) {
          try {
            key = ndjsonKey(line.toString('utf8'), keyField);
          } catch (err) {
            if (!(err instanceof NdjsonLineError)) throw err;
            counts.failed++;
            failures.add(lineNo, err.message, 'not valid JSON');
            continue;
          }
        }
        yield { key, value: line, meta: lineNo };
      }
    } catch (err) {
      // A read error ends the input, not the run: records already sent still get their acks.
      problems.push(`reading the input failed after line ${lineNo}, the rest was not read: ${(err as Error).message}`);
    }
  }

  const done = new Promise<void>((resolve) => {
    producer.produce(records()).subscribe({
      next: (ack) => {
        if (ack.error === undefined) counts.acked++;
        else {
          // A record the close gave up on was not refused: it is unsent (its fate unknown).
          if (!(ack.error instanceof ProducerClosedError)) counts.failed++;
          failures.add(ack.meta as number, inCliTerms(ack.error.message, PRODUCE_FLAG_OF_OPTION));
        }
      },
      error: (err: unknown) => {
        problems.push(messageOf(err));
        resolve();
      },
      complete: resolve,
    });
  });
  // After a signal the close bounds the wait: once it is over, records without an ack are unsent.
  await Promise.race([done, closed.then(afterPendingCallbacks)]);
  progress.stop();
  if (interrupt.signal !== null) {
    const unsent = counts.records - counts.acked - counts.failed;
    if (unsent > 0) problems.push(`${unsent} record(s) read but not acknowledged when the close timeout ended: they may or may not be on the topic`);
  }

  if (emptyLines > 0) process.stderr.write(`rxkafka: ${emptyLines} empty line(s) skipped (as kcat -P does)\n`);
  failures.print(process.stderr);
  return problems;
}

/** Lets the acks that a close failed reach their subscriber (their callbacks run in the next turns). */
function afterPendingCallbacks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Writes the summary line; returns how many records were not delivered (failed or unsent). */
function printSummary(counts: Counts, startMs: number): number {
  const durationMs = Date.now() - startMs;
  const summary = {
    records: counts.records,
    acked: counts.acked,
    failed: counts.failed,
    // Neither acked nor failed: the run stopped before their ack (a signal, the close timeout).
    unsent: counts.records - counts.acked - counts.failed,
    durationMs,
    recordsPerSec: durationMs > 0 ? Math.round((counts.acked * 1000) / durationMs) : 0,
  };
  process.stdout.write(JSON.stringify(summary) + '\n');
  return summary.failed + summary.unsent;
}
