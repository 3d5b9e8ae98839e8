import pino, { type Logger } from 'pino';
import { GZIP_DEFAULT_LEVEL, LZ4_DEFAULT_LEVEL, LZ4_MAX_LEVEL, LZ4_MIN_LEVEL, ZSTD_DEFAULT_LEVEL, ZSTD_MAX_LEVEL, ZSTD_MIN_LEVEL } from '../compression';
import {
  booleanOption,
  functionOption,
  INT32_MAX,
  integer,
  oneOf,
  parseAcks,
  parseBrokers,
  parseClientId,
  parseCompressionType,
  parseGzipLevel,
  parseInterceptors,
  parseLogger,
  parseSerializers,
  parseTopic,
  parseTransactionalId,
} from './optionParsers';
import { parseSasl, parseSsl } from './securityOptions';

/**
 * The option table behind resolveConfig: each option's camelCase name, its Java producer name, its
 * default and how a given value is checked and converted. Cross-option rules live in
 * crossOptionRules.ts, the parsers in optionParsers.ts.
 */

/** What happens to a pushed record when bufferMemory is full (see ProducerConfig.bufferPolicy). */
export type BufferPolicy = 'error' | 'drop-newest' | 'buffer';

/** The level of the pino logger the producer makes when no `logger` is given (see ProducerConfig.logLevel). */
export type LogLevel = 'silent' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface OptionSpec {
  /** camelCase name (ProducerConfig's key). */
  readonly name: string;
  /** The Java producer's name for it, when it has one. */
  readonly alias?: string;
  readonly defaultValue: unknown;
  /**
   * Checks `raw` and returns the resolved value; throws ConfigError naming `givenName`.
   * `javaStyle`: given under its Java name, so strings such as "5" or "true" (as in a
   * .properties file) are accepted for numbers and booleans.
   */
  parse(raw: unknown, givenName: string, javaStyle: boolean): unknown;
}

const LOG_LEVELS: readonly LogLevel[] = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'];
const BUFFER_POLICIES: readonly BufferPolicy[] = ['error', 'drop-newest', 'buffer'];

/** `{ name: 'lingerMs', alias: 'linger.ms', … }`, in ProducerConfig's order. */
export const OPTIONS: readonly OptionSpec[] = [
  { name: 'brokers', alias: 'bootstrap.servers', defaultValue: undefined, parse: parseBrokers },
  { name: 'clientId', alias: 'client.id', defaultValue: 'rxkafka', parse: parseClientId },
  { name: 'topic', defaultValue: undefined, parse: parseTopic },
  { name: 'acks', alias: 'acks', defaultValue: -1, parse: parseAcks },
  { name: 'idempotence', alias: 'enable.idempotence', defaultValue: true, parse: booleanOption },
  { name: 'lingerMs', alias: 'linger.ms', defaultValue: 5, parse: integer(0, 'ms') },
  { name: 'sendWhenIdle', defaultValue: true, parse: booleanOption },
  { name: 'batchSize', alias: 'batch.size', defaultValue: 262144, parse: integer(0, 'bytes') },
  { name: 'bufferMemory', alias: 'buffer.memory', defaultValue: 33554432, parse: integer(1, 'bytes', Number.MAX_SAFE_INTEGER) },
  { name: 'maxInFlight', alias: 'max.in.flight.requests.per.connection', defaultValue: 5, parse: integer(1, 'requests') },
  { name: 'retries', alias: 'retries', defaultValue: INT32_MAX, parse: integer(0, 'retries') },
  { name: 'deliveryTimeoutMs', alias: 'delivery.timeout.ms', defaultValue: 120000, parse: integer(0, 'ms') },
  { name: 'requestTimeoutMs', alias: 'request.timeout.ms', defaultValue: 30000, parse: integer(1, 'ms') },
  { name: 'retryBackoffMs', alias: 'retry.backoff.ms', defaultValue: 100, parse: integer(0, 'ms') },
  { name: 'retryBackoffMaxMs', alias: 'retry.backoff.max.ms', defaultValue: 1000, parse: integer(0, 'ms') },
  { name: 'reconnectBackoffMs', alias: 'reconnect.backoff.ms', defaultValue: 50, parse: integer(0, 'ms') },
  { name: 'reconnectBackoffMaxMs', alias: 'reconnect.backoff.max.ms', defaultValue: 1000, parse: integer(0, 'ms') },
  {
    name: 'socketConnectionSetupTimeoutMs',
    alias: 'socket.connection.setup.timeout.ms',
    defaultValue: 10000,
    parse: integer(1, 'ms'),
  },
  { name: 'maxRequestSize', alias: 'max.request.size', defaultValue: 1048576, parse: integer(1, 'bytes') },
  { name: 'metadataMaxAgeMs', alias: 'metadata.max.age.ms', defaultValue: 300000, parse: integer(0, 'ms') },
  { name: 'maxBlockMs', alias: 'max.block.ms', defaultValue: 60000, parse: integer(0, 'ms') },
  { name: 'compressionType', alias: 'compression.type', defaultValue: 'none', parse: parseCompressionType },
  { name: 'compressionGzipLevel', alias: 'compression.gzip.level', defaultValue: GZIP_DEFAULT_LEVEL, parse: parseGzipLevel },
  {
    name: 'compressionLz4Level',
    alias: 'compression.lz4.level',
    defaultValue: LZ4_DEFAULT_LEVEL,
    parse: integer(LZ4_MIN_LEVEL, 'lz4 level', LZ4_MAX_LEVEL),
  },
  {
    name: 'compressionZstdLevel',
    alias: 'compression.zstd.level',
    defaultValue: ZSTD_DEFAULT_LEVEL,
    parse: integer(ZSTD_MIN_LEVEL, 'zstd level', ZSTD_MAX_LEVEL),
  },
  { name: 'bufferPolicy', defaultValue: 'error', parse: oneOf(BUFFER_POLICIES) },
  { name: 'stopOnError', defaultValue: true, parse: booleanOption },
  { name: 'allowAutoTopicCreation', defaultValue: true, parse: booleanOption },
  { name: 'partitioner', defaultValue: undefined, parse: functionOption('(record, numPartitions) => partition') },
  { name: 'serializers', defaultValue: undefined, parse: parseSerializers },
  { name: 'interceptors', defaultValue: [], parse: parseInterceptors },
  { name: 'metricsIntervalMs', alias: 'metrics.sample.window.ms', defaultValue: 5000, parse: integer(1, 'ms') },
  { name: 'logger', defaultValue: undefined, parse: parseLogger },
  { name: 'logLevel', defaultValue: 'silent', parse: oneOf(LOG_LEVELS) },
  { name: 'transactionalId', alias: 'transactional.id', defaultValue: null, parse: parseTransactionalId },
  { name: 'transactionTimeoutMs', alias: 'transaction.timeout.ms', defaultValue: 60000, parse: integer(1, 'ms', INT32_MAX) },
  { name: 'ssl', defaultValue: undefined, parse: parseSsl },
  { name: 'sasl', defaultValue: undefined, parse: parseSasl },
];

const BY_NAME = new Map<string, OptionSpec>();
for (const spec of OPTIONS) {
  BY_NAME.set(spec.name, spec);
  if (spec.alias !== undefined) BY_NAME.set(spec.alias, spec);
}

/** The option given under `name` (camelCase or Java name), or undefined. */
export function specFor(name: string): OptionSpec | undefined {
  return BY_NAME.get(name);
}

/** The producer's default logger: quiet unless asked (a library must not write to stdout uninvited). */
export function defaultLogger(level: LogLevel): Logger {
  return pino({ name: 'rxkafka', level });
}
