import { COMPRESSION_TYPES } from '../compression';
import { ConfigError } from '../errors';
import { resolveConfig, type ProducerConfig } from '../config/config';
import { CliUsageError, FLAG_OF_OPTION, intOption, parse, usageErrorFromConfig } from './options';
import { loadProducerProperties, PROPERTIES_FLAG_OPTIONS, withFlags } from './producerProperties';

/** What `rxkafka produce` was asked to do, validated. */
export interface ProduceCommand {
  config: ProducerConfig;
  format: 'lines' | 'ndjson';
  /** ndjson only: the top-level field whose text is the record key. */
  keyField: string | undefined;
  /** Input file; undefined for stdin. */
  file: string | undefined;
  /** After SIGINT/SIGTERM: how long the acks of the records read are waited for (`--close-timeout-ms`). */
  closeTimeoutMs: number;
}

/** `--close-timeout-ms` when not given: long enough for a healthy cluster to ack what is buffered. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5000;

/** `--close-timeout-ms`, validated: how long a signalled run waits for its acks (0: not at all). */
export function closeTimeoutOption(values: Record<string, string | boolean | string[] | undefined>): number {
  return intOption('close-timeout-ms', values['close-timeout-ms'] as string | undefined) ?? DEFAULT_CLOSE_TIMEOUT_MS;
}

/** An integer flag and the producer option it sets. */
export type IntFlag = readonly [flag: string, option: keyof ProducerConfig];

/** The producer tuning flags every command that produces accepts (`produce`, `perf`). */
export const PRODUCER_INT_FLAGS: ReadonlyArray<IntFlag> = [
  ['linger-ms', 'lingerMs'],
  ['batch-size', 'batchSize'],
  ['max-in-flight', 'maxInFlight'],
  ['request-timeout-ms', 'requestTimeoutMs'],
  ['delivery-timeout-ms', 'deliveryTimeoutMs'],
  ['max-block-ms', 'maxBlockMs'],
  ['max-request-size', 'maxRequestSize'],
];

const ACKS = ['all', '1', '0', '-1'];

/** The level option `--compression-level` sets, per codec that has levels. */
const LEVEL_OPTION: Readonly<Record<string, keyof ProducerConfig>> = {
  gzip: 'compressionGzipLevel',
  lz4: 'compressionLz4Level',
  zstd: 'compressionZstdLevel',
};

/** FLAG_OF_OPTION plus the compression flags, which set options named otherwise. */
export const PRODUCE_FLAG_OF_OPTION: Readonly<Record<string, string>> = {
  ...FLAG_OF_OPTION,
  compressionType: '--compression',
  compressionGzipLevel: '--compression-level',
  compressionLz4Level: '--compression-level',
  compressionZstdLevel: '--compression-level',
};

/**
 * parseArgs options for `--brokers`, `--topic`, `--acks`, `--compression`, `--compression-level`,
 * `--no-idempotence`, `--no-send-when-idle`, `intFlags`, `--close-timeout-ms` (every command that produces stops on a
 * signal), and the Java properties: `--producer.config FILE` and `-X`.
 */
export function producerFlagOptions(intFlags: ReadonlyArray<IntFlag>) {
  return {
    ...PROPERTIES_FLAG_OPTIONS,
    brokers: { type: 'string' as const },
    topic: { type: 'string' as const },
    acks: { type: 'string' as const },
    compression: { type: 'string' as const },
    'compression-level': { type: 'string' as const },
    ...Object.fromEntries(intFlags.map(([flag]) => [flag, { type: 'string' as const }])),
    'no-idempotence': { type: 'boolean' as const, default: false },
    'no-send-when-idle': { type: 'boolean' as const, default: false },
    'close-timeout-ms': { type: 'string' as const },
  };
}

/** The checks on producer flags that need no producer config: a command runs them before its own. */
export function checkProducerFlags(values: Record<string, string | boolean | string[] | undefined>): void {
  // With properties, bootstrap.servers may be among them: producerConfigFromFlags says if not.
  if (values.brokers === undefined && values['producer.config'] === undefined && values['producer-property'] === undefined) {
    throw new CliUsageError('--brokers is required (e.g. --brokers localhost:9092)');
  }
  if (values.topic === undefined) throw new CliUsageError('--topic is required');
  if (values.acks !== undefined && !ACKS.includes(values.acks as string)) {
    throw new CliUsageError(`--acks must be all, 1 or 0, got '${String(values.acks)}'`);
  }
  const compression = values.compression as string | undefined;
  if (compression !== undefined && !(COMPRESSION_TYPES as readonly string[]).includes(compression)) {
    throw new CliUsageError(`--compression must be ${COMPRESSION_TYPES.join(', ').replace(/, (?=[^,]*$)/, ' or ')}, got '${compression}'`);
  }
  const level = values['compression-level'] as string | undefined;
  if (level !== undefined) {
    if (compression === undefined || LEVEL_OPTION[compression] === undefined) {
      throw new CliUsageError('--compression-level needs --compression gzip, lz4 or zstd (none and snappy have no levels)');
    }
    if (!/^-?\d+$/.test(level)) throw new CliUsageError(`--compression-level must be an integer, got '${level}'`);
  }
}

/**
 * The ProducerConfig the producer flags in `values` ask for, over what `--producer.config` and
 * `-X` give (a flag wins over a property of the same option), validated by resolveConfig so that
 * a bad value is a usage error naming its flag (`flagOf`: option → flag) or its property's line
 * before anything connects.
 */
export function producerConfigFromFlags(
  values: Record<string, string | boolean | string[] | undefined>,
  intFlags: ReadonlyArray<IntFlag> = PRODUCER_INT_FLAGS,
  flagOf: Readonly<Record<string, string>> = PRODUCE_FLAG_OF_OPTION,
): ProducerConfig {
  checkProducerFlags(values);
  const v = values as Record<string, string | undefined> & { 'no-idempotence'?: boolean; 'no-send-when-idle'?: boolean };
  const properties = loadProducerProperties(v['producer.config'], values['producer-property'] as string[] | undefined);
  const flags: Partial<ProducerConfig> = {
    topic: v.topic,
    // Every record is reported on its own; one failure must not hide the others' fate.
    stopOnError: false,
  };
  if (v.brokers !== undefined) flags.brokers = v.brokers;
  if (v.acks !== undefined) flags.acks = v.acks as ProducerConfig['acks'];
  if (v['no-idempotence'] === true) flags.idempotence = false;
  if (v['no-send-when-idle'] === true) flags.sendWhenIdle = false;
  if (v.compression !== undefined) flags.compressionType = v.compression as ProducerConfig['compressionType'];
  if (v['compression-level'] !== undefined) {
    (flags as unknown as Record<string, unknown>)[LEVEL_OPTION[v.compression as string]] = Number(v['compression-level']);
  }
  for (const [flag, option] of intFlags) {
    const n = intOption(flag, v[flag]);
    if (n !== undefined) (flags as unknown as Record<string, unknown>)[option] = n;
  }
  const config = withFlags(properties, flags);
  if (config.brokers === undefined && config['bootstrap.servers'] === undefined) {
    throw new CliUsageError(`--brokers is required: neither --brokers nor bootstrap.servers (in --producer.config or -X) was given`);
  }
  try {
    resolveConfig(config);
  } catch (err) {
    if (err instanceof ConfigError) throw usageErrorFromConfig(err, { ...flagOf, ...properties.labels });
    throw err;
  }
  return config as unknown as ProducerConfig;
}

/**
 * Parses and validates `produce`'s arguments — the producer options too (resolveConfig) — so a
 * bad command line exits 2 before anything connects or any input is read.
 */
export function parseProduceArgs(args: string[]): ProduceCommand {
  const { values, positionals } = parse(
    args,
    {
      ...producerFlagOptions(PRODUCER_INT_FLAGS),
      format: { type: 'string', default: 'lines' },
      'key-field': { type: 'string' },
    },
    true,
  );
  const format = values.format as string;
  const keyField = values['key-field'] as string | undefined;
  // A missing --brokers is the first thing to say, before what is wrong with the rest.
  checkProducerFlags(values);
  if (format !== 'lines' && format !== 'ndjson') {
    throw new CliUsageError(`--format must be 'lines' or 'ndjson', got '${format}'`);
  }
  if (keyField !== undefined && format !== 'ndjson') {
    throw new CliUsageError('--key-field needs --format ndjson (the key is a field of each JSON line)');
  }
  if (positionals.length > 1) throw new CliUsageError(`one input FILE at most, got ${positionals.length}: ${positionals.join(' ')}`);
  const closeTimeoutMs = closeTimeoutOption(values);
  return { config: producerConfigFromFlags(values), format, keyField, file: positionals[0], closeTimeoutMs };
}
