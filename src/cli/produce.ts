import { createReadStream } from 'node:fs';
import { createProducer } from '../producer/Producer';
import type { ProducerConfig } from '../producer/config';
import type { ProducerRecord } from '../types';
import { readLines } from './lines';
import { CliUsageError, intOption, parse } from './options';
import { Progress } from './progress';

/** Distinct failure messages are listed once each with a count, so a broken topic is one line, not a million. */
class FailureReport {
  private readonly byMessage = new Map<string, { count: number; firstLine: number }>();

  add(lineNo: number, message: string): void {
    const entry = this.byMessage.get(message);
    if (entry === undefined) this.byMessage.set(message, { count: 1, firstLine: lineNo });
    else entry.count++;
  }

  print(stream: NodeJS.WritableStream): void {
    let shown = 0;
    for (const [message, { count, firstLine }] of this.byMessage) {
      if (shown++ === 20) {
        stream.write(`rxkafka: … and ${this.byMessage.size - 20} other kinds of failure\n`);
        break;
      }
      stream.write(`rxkafka: ${count} record(s) not delivered (first: line ${firstLine}): ${message}\n`);
    }
  }
}

/** `rxkafka produce`: one record per input line, the last stdout line a JSON summary. */
export async function runProduce(args: string[]): Promise<number> {
  const { values: v, positionals } = parse(
    args,
    {
      brokers: { type: 'string' },
      topic: { type: 'string' },
      format: { type: 'string', default: 'lines' },
      'key-field': { type: 'string' },
      acks: { type: 'string' },
      'linger-ms': { type: 'string' },
      'batch-size': { type: 'string' },
      'max-in-flight': { type: 'string' },
      'request-timeout-ms': { type: 'string' },
      'delivery-timeout-ms': { type: 'string' },
      'max-block-ms': { type: 'string' },
      'no-idempotence': { type: 'boolean', default: false },
    },
    true,
  );
  const values = v as Record<string, string | undefined> & { 'no-idempotence': boolean };
  if (values.brokers === undefined) throw new CliUsageError('--brokers is required (e.g. --brokers localhost:9092)');
  if (values.topic === undefined) throw new CliUsageError('--topic is required');
  if (values.format !== 'lines' && values.format !== 'ndjson') {
    throw new CliUsageError(`--format must be 'lines' or 'ndjson', got '${values.format}'`);
  }
  if (values['key-field'] !== undefined && values.format !== 'ndjson') {
    throw new CliUsageError('--key-field needs --format ndjson');
  }
  if (positionals.length > 1) throw new CliUsageError(`one input FILE at most, got ${positionals.length}`);

  const config: ProducerConfig = {
    brokers: values.brokers,
    topic: values.topic,
    // Every record is reported on its own; one failure must not hide the others' fate.
    stopOnError: false,
  };
  if (values.acks !== undefined) config.acks = values.acks as ProducerConfig['acks'];
  if (values['no-idempotence']) config.idempotence = false;
  const ints: Array<[string, string]> = [
    ['linger-ms', 'lingerMs'],
    ['batch-size', 'batchSize'],
    ['max-in-flight', 'maxInFlight'],
    ['request-timeout-ms', 'requestTimeoutMs'],
    ['delivery-timeout-ms', 'deliveryTimeoutMs'],
    ['max-block-ms', 'maxBlockMs'],
  ];
  for (const [flag, option] of ints) {
    const n = intOption(flag, values[flag]);
    if (n !== undefined) (config as unknown as Record<string, unknown>)[option] = n;
  }
  const producer = createProducer(config); // throws ConfigError naming the option

  const input = positionals.length === 1 ? createReadStream(positionals[0]) : process.stdin;
  const ndjson = values.format === 'ndjson';
  const keyField = values['key-field'];
  const failures = new FailureReport();
  let records = 0;
  let acked = 0;
  let failed = 0;
  const progress = new Progress(() => ({ records, acked, failed }));
  const startMs = Date.now();

  async function* lineRecords(): AsyncGenerator<ProducerRecord<Buffer | string, Buffer, number>> {
    let lineNo = 0;
    for await (const line of readLines(input)) {
      lineNo++;
      records++;
      let key: string | null = null;
      if (ndjson) {
        let doc: unknown;
        try {
          doc = JSON.parse(line.toString('utf8'));
        } catch (err) {
          failed++;
          failures.add(lineNo, `not valid JSON (--format ndjson): ${(err as Error).message}`);
          continue;
        }
        if (keyField !== undefined) {
          const v = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>)[keyField] : undefined;
          if (v === undefined || v === null) key = null;
          else key = typeof v === 'string' ? v : JSON.stringify(v);
        }
      }
      yield { key, value: line, meta: lineNo };
    }
  }

  let streamError: unknown = null;
  await new Promise<void>((resolve) => {
    producer.produce(lineRecords()).subscribe({
      next: (ack) => {
        if (ack.error === undefined) acked++;
        else {
          failed++;
          failures.add(ack.meta as number, ack.error.message);
        }
      },
      error: (err: unknown) => {
        streamError = err;
        resolve();
      },
      complete: resolve,
    });
  });
  await producer.close();
  progress.stop();

  if (streamError !== null) {
    process.stderr.write(`rxkafka: ${streamError instanceof Error ? streamError.message : String(streamError)}\n`);
  }
  failures.print(process.stderr);
  const durationMs = Date.now() - startMs;
  const summary = {
    records,
    acked,
    failed: records - acked,
    durationMs,
    recordsPerSec: durationMs > 0 ? Math.round((acked * 1000) / durationMs) : 0,
  };
  process.stdout.write(JSON.stringify(summary) + '\n');
  return summary.failed === 0 && streamError === null ? 0 : 1;
}
