import { open } from 'node:fs/promises';
import type { Producer } from '../producer/Producer';
import { createProducer } from '../producer/Producer';
import type { ProducerRecord } from '../types';
import { FailureReport } from './FailureReport';
import { readLines } from './lines';
import { ndjsonKey, NdjsonLineError } from './ndjsonKey';
import { inCliTerms } from './options';
import { PRODUCE_FLAG_OF_OPTION, parseProduceArgs } from './produceOptions';
import { Progress } from './progress';
import { messageOf } from '../errors';

/** Counts for the summary; `records` are the input lines that became records (empty lines do not). */
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
 */
export async function runProduce(args: string[]): Promise<number> {
  const command = parseProduceArgs(args);
  const startMs = Date.now();
  const counts: Counts = { records: 0, acked: 0, failed: 0 };
  const finish = (problems: string[]): number => {
    for (const p of problems) process.stderr.write(`rxkafka: ${inCliTerms(p, PRODUCE_FLAG_OF_OPTION)}\n`);
    const failed = printSummary(counts, startMs);
    return failed === 0 && problems.length === 0 ? 0 : 1;
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
  try {
    // One metadata wait up front: with no reachable broker or no such topic, every record would
    // fail the same way, each after waiting maxBlockMs. Say it once and read nothing.
    try {
      await producer.cluster.waitForTopic(command.config.topic!, producer.config.maxBlockMs);
    } catch (err) {
      return finish([`nothing was sent, the input was not read: ${(err as Error).message}`]);
    }
    const problems = await produceLines(producer, input, command.format === 'ndjson', command.keyField, counts);
    return finish(problems);
  } finally {
    await producer.close();
  }
}

/** Produces every line of `input`; resolves when each record is acked or failed, with the problems to report. */
async function produceLines(
  producer: Producer,
  input: AsyncIterable<Buffer>,
  ndjson: boolean,
  keyField: string | undefined,
  counts: Counts,
): Promise<string[]> {
  const failures = new FailureReport();
  const problems: string[] = [];
  const progress = new Progress(() => counts);
  let emptyLines = 0;

  async function* records(): AsyncGenerator<ProducerRecord<string, Buffer, number>> {
    let lineNo = 0;
    try {
      for await (const line of readLines(input)) {
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

  await new Promise<void>((resolve) => {
    producer.produce(records()).subscribe({
      next: (ack) => {
        if (ack.error === undefined) counts.acked++;
        else {
          counts.failed++;
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
  progress.stop();

  if (emptyLines > 0) process.stderr.write(`rxkafka: ${emptyLines} empty line(s) skipped (as kcat -P does)\n`);
  failures.print(process.stderr);
  return problems;
}

/** Writes the summary line; returns how many records were not delivered. */
function printSummary(counts: Counts, startMs: number): number {
  const durationMs = Date.now() - startMs;
  const summary = {
    records: counts.records,
    acked: counts.acked,
    // Not acked is not delivered, whatever the reason (including a stream that stopped early).
    failed: counts.records - counts.acked,
    durationMs,
    recordsPerSec: durationMs > 0 ? Math.round((counts.acked * 1000) / durationMs) : 0,
  };
  process.stdout.write(JSON.stringify(summary) + '\n');
  return summary.failed;
}
