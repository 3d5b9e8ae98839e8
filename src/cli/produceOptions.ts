import { ConfigError } from '../errors';
import { resolveConfig, type ProducerConfig } from '../producer/config';
import { CliUsageError, intOption, parse, usageErrorFromConfig } from './options';

/** What `rxkafka produce` was asked to do, validated. */
export interface ProduceCommand {
  config: ProducerConfig;
  format: 'lines' | 'ndjson';
  /** ndjson only: the top-level field whose text is the record key. */
  keyField: string | undefined;
  /** Input file; undefined for stdin. */
  file: string | undefined;
}

/** Integer flags and the producer options they set. */
const INT_FLAGS: ReadonlyArray<readonly [flag: string, option: keyof ProducerConfig]> = [
  ['linger-ms', 'lingerMs'],
  ['batch-size', 'batchSize'],
  ['max-in-flight', 'maxInFlight'],
  ['request-timeout-ms', 'requestTimeoutMs'],
  ['delivery-timeout-ms', 'deliveryTimeoutMs'],
  ['max-block-ms', 'maxBlockMs'],
  ['max-request-size', 'maxRequestSize'],
];

const ACKS = ['all', '1', '0', '-1'];

/**
 * Parses and validates `produce`'s arguments — the producer options too (resolveConfig) — so a
 * bad command line exits 2 before anything connects or any input is read.
 */
export function parseProduceArgs(args: string[]): ProduceCommand {
  const { values: v, positionals } = parse(
    args,
    {
      brokers: { type: 'string' },
      topic: { type: 'string' },
      format: { type: 'string', default: 'lines' },
      'key-field': { type: 'string' },
      acks: { type: 'string' },
      ...Object.fromEntries(INT_FLAGS.map(([flag]) => [flag, { type: 'string' as const }])),
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
    throw new CliUsageError('--key-field needs --format ndjson (the key is a field of each JSON line)');
  }
  if (values.acks !== undefined && !ACKS.includes(values.acks)) {
    throw new CliUsageError(`--acks must be all, 1 or 0, got '${values.acks}'`);
  }
  if (positionals.length > 1) throw new CliUsageError(`one input FILE at most, got ${positionals.length}: ${positionals.join(' ')}`);

  const config: ProducerConfig = {
    brokers: values.brokers,
    topic: values.topic,
    // Every record is reported on its own; one failure must not hide the others' fate.
    stopOnError: false,
  };
  if (values.acks !== undefined) config.acks = values.acks as ProducerConfig['acks'];
  if (values['no-idempotence']) config.idempotence = false;
  for (const [flag, option] of INT_FLAGS) {
    const n = intOption(flag, values[flag]);
    if (n !== undefined) (config as unknown as Record<string, unknown>)[option] = n;
  }
  try {
    resolveConfig(config);
  } catch (err) {
    if (err instanceof ConfigError) throw usageErrorFromConfig(err);
    throw err;
  }
  return { config, format: values.format, keyField: values['key-field'], file: positionals[0] };
}
