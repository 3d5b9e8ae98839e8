#!/usr/bin/env node
import { runMetadata } from './metadata';
import { runProduce } from './produce';
import { CliUsageError } from './options';

const USAGE = `usage:
  rxkafka produce --brokers H:P[,H:P…] --topic T [--format lines|ndjson] [--key-field F]
                  [--acks all|1|0] [--linger-ms N] [--batch-size BYTES] [--max-in-flight N]
                  [--request-timeout-ms N] [--delivery-timeout-ms N] [--max-block-ms N]
                  [--no-idempotence] [FILE]
      Produces one record per line of FILE (or stdin). Prints a JSON summary as the last line;
      exits 0 only when every record was acknowledged.
  rxkafka metadata --brokers H:P[,H:P…] [--topic T]
      Prints brokers, topics, partitions, leaders and the negotiated API versions as JSON.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'produce':
      return runProduce(rest);
    case 'metadata':
      return runMetadata(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
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
      process.stderr.write(`rxkafka: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
