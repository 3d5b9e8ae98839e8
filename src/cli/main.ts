#!/usr/bin/env node
import { runMetadata } from './metadata';
import { runPerf } from './perf';
import { runProduce } from './produce';
import { CliUsageError } from './options';
import { exitCodeOf } from './interrupt';
import { messageOf } from '../errors';

const USAGE = `usage:
  rxkafka produce --brokers H:P[,H:P…] --topic T [--format lines|ndjson] [--key-field F]
                  [--acks all|1|0] [--linger-ms N] [--batch-size BYTES] [--max-in-flight N]
                  [--request-timeout-ms N] [--delivery-timeout-ms N] [--max-block-ms N]
                  [--max-request-size BYTES] [--no-idempotence] [--no-send-when-idle]
                  [--close-timeout-ms N]
                  [--compression none|gzip|snappy|lz4|zstd [--compression-level N]]
                  [--producer.config FILE] [-X name=value]… [FILE]
      Produces one record per line of FILE (or stdin): the value is the line's bytes without the
      '\\n' (a '\\r' is kept; empty lines are skipped, as kcat -P does). With --format ndjson each
      line must be JSON, and --key-field F makes the key the text of its top-level field F.
      Prints progress on stderr when it is a terminal, and a JSON summary as the last line of
      stdout: {"records":N,"acked":N,"failed":N,"unsent":N,"durationMs":N,"recordsPerSec":N},
      records (read) = acked + failed + unsent (no ack yet when the run was stopped).
      Exits 0 only when every record was acknowledged, 1 otherwise, 2 for a bad command line.
      SIGINT/SIGTERM stop reading, wait at most --close-timeout-ms (default 5000) for the acks of
      what was read, print the summary and exit 130/143; a second signal exits at once, with
      the summary as it stands. Connection failures are reported on stderr as they happen.
      --compression compresses each batch (default none) in the framing the Java producer
      writes; --compression-level: gzip 1…9 or -1 (default), lz4 1…17 (default 9, the only
      speed rxkafka's lz4 has), zstd -131072…22 (default 3). --no-send-when-idle: every batch
      waits --linger-ms, as Java's (by default a partition with nothing on its way sends at once).
      --producer.config FILE: Java producer properties, as Kafka's tools read them
      (bootstrap.servers, acks, linger.ms, …, security.protocol, ssl.* with PEM trust and key
      stores, sasl.mechanism with sasl.jaas.config); -X name=value (or --producer-property) sets
      one, as kcat does. The file comes first, then each -X in order, then the flags above: a flag
      wins over a property of the same option. With bootstrap.servers set, --brokers may be left out.
  rxkafka perf --brokers H:P[,H:P…] --topic T --num-records N [--record-size BYTES]
               [--throughput R] [--key-count K] [--acks all|1|0] [--no-idempotence]
               [--linger-ms N] [--batch-size BYTES] [--max-in-flight N] [--buffer-memory BYTES]
               [--request-timeout-ms N] [--delivery-timeout-ms N] [--max-block-ms N]
               [--max-request-size BYTES] [--no-send-when-idle] [--close-timeout-ms N]
               [--compression none|gzip|snappy|lz4|zstd [--compression-level N]] [--metrics]
               [--producer.config FILE] [-X name=value]…
      Measures the producer, as kafka-producer-perf-test does: N records whose value is the same
      BYTES-byte payload (default 100), keyless or keyed k0…k{K-1} round robin, at most R
      records/s (default -1: no limit). Progress on stderr when it is a terminal; the last line
      of stdout is JSON: {"records":N,"recordsPerSec":N,"mbPerSec":N,
      "latencyMs":{"avg":N,"p50":N,"p95":N,"p99":N,"max":N},"peakRssBytes":N,"failed":N,
      "unsent":N}, records being those acked and latency ack time minus the time the producer
      took the record. Exits 0 when every record was acknowledged, 1 otherwise, 2 for a bad
      command line; signals as for produce. --compression as for produce (the
      payload is one repeated value: it compresses far better than real data). --metrics adds
      "metrics": the producer's own metrics over the run (producer.metrics(): requests,
      records per request, batch sizes, request latency, retries, errors).
      --producer.config and -X as for produce.
  rxkafka metadata --brokers H:P[,H:P…] [--topic T]… [--producer.config FILE] [-X name=value]…
      Prints brokers, topics, partitions, leaders and the API versions (the broker's range,
      rxkafka's, and the one used) as JSON.
  rxkafka --help`;

const HELP = new Set(['-h', '--help', 'help']);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    // Nothing asked: the usage is the answer (as git or kcat with no arguments).
    process.stderr.write(`rxkafka: no command given\n\n${USAGE}\n`);
    return 2;
  }
  // `rxkafka produce --help` is a request for help, not a produce without --brokers.
  if (HELP.has(command) || rest.some((a) => a === '-h' || a === '--help')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  switch (command) {
    case 'produce':
      return runProduce(rest);
    case 'perf':
      return runPerf(rest);
    case 'metadata':
      return runMetadata(rest);
    default:
      throw new CliUsageError(`unknown command '${command}'`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Stopped by a signal: the input may be a pipe that never ends, which would keep the process
    // alive; the summary is written (stdout to a pipe or file is synchronous), so leave now.
    if (code === exitCodeOf('SIGINT') || code === exitCodeOf('SIGTERM')) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof CliUsageError) {
      // The error and where to look, not 40 lines of usage that bury it.
      process.stderr.write(`rxkafka: ${err.message}\nrxkafka: see 'rxkafka --help' for the commands and their flags\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`rxkafka: ${messageOf(err)}\n`);
      process.exitCode = 1;
    }
  },
);
