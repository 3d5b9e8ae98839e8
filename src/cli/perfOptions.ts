import type { ProducerConfig } from '../config/config';
import { CliUsageError, intOption, parse } from './options';
import {
  checkProducerFlags,
  closeTimeoutOption,
  type IntFlag,
  PRODUCE_FLAG_OF_OPTION,
  PRODUCER_INT_FLAGS,
  producerConfigFromFlags,
  producerFlagOptions,
} from './produceOptions';

/** What `rxkafka perf` was asked to do, validated. */
export interface PerfCommand {
  config: ProducerConfig;
  /** Records to produce (> 0). */
  numRecords: number;
  /** Bytes of each record's value. */
  recordSize: number;
  /** Target records/s; Infinity when unlimited (`--throughput -1`, the default). */
  throughput: number;
  /** 0: keyless records; else keys k0…k{keyCount-1}, round robin. */
  keyCount: number;
  /** `--metrics`: the summary also carries the producer's metrics snapshot over the run. */
  metrics: boolean;
  /** After SIGINT/SIGTERM: how long the acks are waited for (`--close-timeout-ms`). */
  closeTimeoutMs: number;
}

/** `produce`'s tuning flags, plus the memory bound: the perf test is where one tunes it. */
const PERF_INT_FLAGS: ReadonlyArray<IntFlag> = [...PRODUCER_INT_FLAGS, ['buffer-memory', 'bufferMemory']];

/** Config errors about bufferMemory must name the flag `perf` has for it. */
export const PERF_FLAG_OF_OPTION: Readonly<Record<string, string>> = { ...PRODUCE_FLAG_OF_OPTION, bufferMemory: '--buffer-memory' };

/**
 * Parses and validates `perf`'s arguments, producer options included, so that a bad command line
 * exits 2 before anything connects. Flags follow Kafka's kafka-producer-perf-test.
 */
export function parsePerfArgs(args: string[]): PerfCommand {
  const { values } = parse(args, {
    ...producerFlagOptions(PERF_INT_FLAGS),
    'num-records': { type: 'string' },
    'record-size': { type: 'string', default: '100' },
    throughput: { type: 'string', default: '-1' },
    'key-count': { type: 'string', default: '0' },
    metrics: { type: 'boolean', default: false },
  });
  checkProducerFlags(values);
  const numRecords = intOption('num-records', values['num-records'] as string | undefined);
  if (numRecords === undefined) throw new CliUsageError('--num-records is required (e.g. --num-records 1000000)');
  if (numRecords === 0) throw new CliUsageError('--num-records must be at least 1');
  const recordSize = intOption('record-size', values['record-size'] as string)!;
  const keyCount = intOption('key-count', values['key-count'] as string)!;
  const throughput = throughputOption(values.throughput as string);
  const config = producerConfigFromFlags(values, PERF_INT_FLAGS, PERF_FLAG_OF_OPTION);
  return { config, numRecords, recordSize, throughput, keyCount, metrics: values.metrics === true, closeTimeoutMs: closeTimeoutOption(values) };
}

/** `--throughput`: a positive rate in records/s (fractions allowed), or -1 for no limit. */
function throughputOption(value: string): number {
  if (value === '-1') return Infinity;
  const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new CliUsageError(`--throughput must be a positive number of records/s, or -1 for no limit, got '${value}'`);
  }
  return n;
}
