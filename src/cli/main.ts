#!/usr/bin/env node
import { runMetadata } from './metadata';
import { runProduce } from './produce';
import { CliUsageError } from './options';
import { messageOf } from '../errors';

const USAGE = `usage:
  rxkafka produce --brokers H:P[,H:P…] --topic T [--format lines|ndjson] [--key-field F]
                  [--acks all|1|0] [--linger-ms N] [--batch-size BYTES] [--max-in-flight N]
                  [--request-timeout-ms N] [--delivery-timeout-ms N] [--max-block-ms N]
                  [--max-request-size BYTES] [--no-idempotence] [FILE]
      Produces one record per line of FILE (or stdin): the value is the line's bytes without the
      '\\n' (a '\\r' is kept; empty lines are skipped, as kcat -P does). With --format ndjson each
      line must be JSON, and --key-field F makes the key the text of its top-level field F.
      Prints progress on stderr when it is a terminal, and a JSON summary as the last line of
      stdout: {"records":N,"acked":N,"failed":N,"durationMs":N,"recordsPerSec":N}.
      Exits 0 only when every record was acknowledged, 1 otherwise, 2 for a bad command line.
  rxkafka metadata --brokers H:P[,H:P…] [--topic T]…
      Prints brokers, topics, partitions, leaders and the API versions (the broker's range,
      rxkafka's, and the one used) as JSON.
  rxkafka --help`;

const HELP = new Set(['-h', '--help', 'help']);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) throw new CliUsageError('no command given');
  // `rxkafka produce --help` is a request for help, not a produce without --brokers.
  if (HELP.has(command) || rest.some((a) => a === '-h' || a === '--help')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  switch (command) {
    case 'produce':
      return runProduce(rest);
    case 'metadata':
      return runMetadata(rest);
    default:
      throw new CliUsageError(`unknown command '${command}'`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof CliUsageError) {
      process.stderr.write(`rxkafka: ${err.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`rxkafka: ${messageOf(err)}\n`);
      process.exitCode = 1;
    }
  },
);
