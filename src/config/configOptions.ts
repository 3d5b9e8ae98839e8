import { isIPv6 } from 'node:net';
import pino, { Logger } from 'pino';
import {
  COMPRESSION_TYPES,
  type CompressionType,
  GZIP_DEFAULT_LEVEL,
  GZIP_MAX_LEVEL,
  GZIP_MIN_LEVEL,
  LZ4_DEFAULT_LEVEL,
  LZ4_MAX_LEVEL,
  LZ4_MIN_LEVEL,
  ZSTD_DEFAULT_LEVEL,
  ZSTD_MAX_LEVEL,
  ZSTD_MIN_LEVEL,
} from '../compression';
import { ConfigError } from '../errors';
import { isValidTopicName, TOPIC_NAME_RULES } from '../protocol/topicName';
import { parseSasl, parseSsl } from './securityOptions';

/**
 * The option table behind resolveConfig: each option's camelCase name, its Java producer name, its
 * default and how a given value is checked and converted. Cross-option rules live in config.ts.
 */

/** What happens to a pushed record when bufferMemory is full (see ProducerConfig.bufferPolicy). */
export type BufferPolicy = 'error' | 'drop-newest' | 'buffer';

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

/**
 * Largest value of int options and of times. Java's ints stop there, and Node timers (setTimeout,
 * hence RxJS schedulers) treat a longer delay as 1 ms — a silent misbehaviour worth an error.
 */
const INT32_MAX = 0x7fffffff;

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
  { name: 'batchSize', alias: 'batch.size', defaultValue: 16384, parse: integer(0, 'bytes') },
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

// ---- unknown options ----

/** Java producer options that have another shape here. */
const JAVA_EQUIVALENTS: Record<string, string> = {
  'key.serializer': 'rxkafka takes functions, not classes: serializers: { key: serializers.string } or (data, topic) => Buffer',
  'value.serializer':
    'rxkafka takes functions, not classes: serializers: { value: serializers.json } or (data, topic) => Buffer',
  'partitioner.class': 'rxkafka takes a function, not a class: partitioner: (record, numPartitions) => partition',
  'interceptor.classes': 'rxkafka takes objects, not classes: interceptors: [{ onSend(record) { … }, onAcknowledgement(ack) { … } }]',
};

const NO_TLS_SASL =
  "rxkafka takes TLS and SASL settings as objects, not Java properties: ssl: true | { ca, cert, key, servername, rejectUnauthorized } " +
  "(PEM contents, not keystores) and sasl: { mechanism: 'scram-sha-512', username, password } | " +
  "{ mechanism: 'oauthbearer', oauthBearerProvider }";
const NO_TWO_PHASE_COMMIT = 'two-phase commit with an external transaction manager (KIP-939) is not supported: remove it';
const BUILT_IN_PARTITIONER =
  "rxkafka's built-in partitioner is Java's default (murmur2 of the key, else uniform sticky) and has no settings: " +
  'remove it, or pass your own partitioner: (record, numPartitions) => partition';
const NOT_IMPLEMENTED = 'is a Java producer option that rxkafka does not implement: remove it';

/**
 * Java producer options rxkafka does not have, with what to do instead. Without this table a
 * properties file brought over would get a misleading "did you mean" (metadata.max.idle.ms is not
 * a misspelt metadata.max.age.ms).
 */
const JAVA_UNSUPPORTED = new Map<string, string>();
for (const [message, names] of [
  [NO_TLS_SASL, ['security.protocol', 'security.providers']],
  [NO_TWO_PHASE_COMMIT, ['transaction.two.phase.commit.enable']],
  [BUILT_IN_PARTITIONER, ['partitioner.ignore.keys', 'partitioner.adaptive.partitioning.enable', 'partitioner.availability.timeout.ms']],
  [
    NOT_IMPLEMENTED,
    ['send.buffer.bytes', 'receive.buffer.bytes', 'connections.max.idle.ms', 'metadata.max.idle.ms',
      'socket.connection.setup.timeout.max.ms', 'client.dns.lookup', 'metadata.recovery.strategy',
      'metadata.recovery.rebootstrap.trigger.ms', 'metrics.num.samples',
      'metrics.recording.level', 'metric.reporters', 'auto.include.jmx.reporter', 'enable.metrics.push', 'config.providers'],
  ],
] as const) {
  for (const name of names) JAVA_UNSUPPORTED.set(name, message);
}

/** Whole families of Java options (ssl.keystore.location, sasl.jaas.config, …). */
const JAVA_UNSUPPORTED_PREFIXES: ReadonlyArray<[string, string]> = [
  ['ssl.', NO_TLS_SASL],
  ['sasl.', NO_TLS_SASL],
];

function unsupportedJavaOption(name: string): string | undefined {
  const known = JAVA_UNSUPPORTED.get(name);
  if (known !== undefined) return known;
  for (const [prefix, message] of JAVA_UNSUPPORTED_PREFIXES) if (name.startsWith(prefix)) return message;
  return undefined;
}

/** Names too far from their option's for a guess, with the option meant. */
const RENAMED: Record<string, string> = { compression: 'compressionType' };

/** "unknown option; did you mean 'lingerMs'?" — the closest known name, in the user's style. */
export function unknownOptionMessage(name: string): string {
  if (Object.prototype.hasOwnProperty.call(RENAMED, name)) return `is not a producer option; did you mean '${RENAMED[name]}'?`;
  const equivalent = JAVA_EQUIVALENTS[name];
  if (equivalent !== undefined) return `is not an rxkafka option: ${equivalent}`;
  const unsupported = unsupportedJavaOption(name);
  if (unsupported !== undefined) return unsupported === NOT_IMPLEMENTED ? unsupported : `is not supported: ${unsupported}`;
  const suggestion = closestOption(name);
  return suggestion !== undefined
    ? `is not a producer option; did you mean '${suggestion}'?`
    : 'is not a producer option; see ProducerConfig for the options rxkafka knows';
}

function closestOption(name: string): string | undefined {
  const wanted = normalize(name);
  const javaStyle = name.includes('.');
  let best: OptionSpec | undefined;
  let bestDistance = Infinity;
  for (const spec of OPTIONS) {
    for (const candidate of spec.alias !== undefined ? [spec.name, spec.alias] : [spec.name]) {
      const d = editDistance(wanted, normalize(candidate));
      if (d < bestDistance) {
        bestDistance = d;
        best = spec;
      }
    }
  }
  // Up to a third of the name may differ: 'lingerMS', 'linger_ms', 'batchsize', 'bootstrap.server'.
  if (best === undefined || bestDistance > Math.max(2, Math.floor(wanted.length / 3))) return undefined;
  return javaStyle && best.alias !== undefined ? best.alias : best.name;
}

/** Case, dots, dashes and underscores do not matter when guessing what was meant. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[._\-\s]/g, '');
}

/** Levenshtein distance, two rows. */
function editDistance(a: string, b: string): number {
  let prev = new Array<number>(b.length + 1);
  let curr = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      curr[j] = Math.min(prev[j] + 1, curr[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[b.length];
}

// ---- value parsers ----

/** A value as it appears in a message: strings quoted, the rest by type. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'a function';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function integer(min: number, unit: string, max = INT32_MAX) {
  return (raw: unknown, givenName: string, javaStyle: boolean): number => {
    let value = raw;
    if (javaStyle && typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw)) value = Number(raw);
    if (typeof value !== 'number') {
      throw new ConfigError(givenName, `must be a number (${unit}), got ${show(raw)}`);
    }
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(givenName, `must be an integer from ${min} to ${max} (${unit}), got ${show(raw)}`);
    }
    return value;
  };
}

function booleanOption(raw: unknown, givenName: string, javaStyle: boolean): boolean {
  if (typeof raw === 'boolean') return raw;
  if (javaStyle && (raw === 'true' || raw === 'false')) return raw === 'true';
  throw new ConfigError(givenName, `must be true or false, got ${show(raw)}`);
}

function stringOption(raw: unknown, givenName: string): string {
  if (typeof raw !== 'string') throw new ConfigError(givenName, `must be a string, got ${show(raw)}`);
  return raw;
}

/** The request header carries client.id as a STRING: an int16 length, so at most 32767 bytes. */
const MAX_CLIENT_ID_BYTES = 0x7fff;

function parseClientId(raw: unknown, givenName: string): string {
  const clientId = stringOption(raw, givenName);
  const bytes = Buffer.byteLength(clientId, 'utf8');
  if (bytes > MAX_CLIENT_ID_BYTES) {
    throw new ConfigError(givenName, `is ${bytes} bytes long; the Kafka request header holds at most ${MAX_CLIENT_ID_BYTES}: shorten it`);
  }
  return clientId;
}

function oneOf<T extends string>(allowed: readonly T[]) {
  return (raw: unknown, givenName: string): T => {
    if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
    throw new ConfigError(givenName, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(raw)}`);
  };
}

function functionOption(shape: string) {
  return (raw: unknown, givenName: string): unknown => {
    if (typeof raw !== 'function') throw new ConfigError(givenName, `must be a function ${shape}, got ${show(raw)}`);
    return raw;
  };
}

/** `host:port` or `[ipv6]:port`; Java's bootstrap.servers needs the port too. */
const ADDRESS = /^(\[[^\]]*\]|[^:[\]]+):(\d{1,5})$/;
/** A DNS label (underscores allowed: container and compose service names use them). */
const HOST_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
const MAX_HOST_NAME_LENGTH = 253;

/** Why `host` (as written before ':port') cannot be connected to, or undefined if it looks right. */
function hostProblem(host: string): string | undefined {
  if (host.startsWith('[')) {
    const inner = host.slice(1, -1);
    // A zone index (fe80::1%eth0) is not part of the address proper.
    const zone = inner.indexOf('%');
    return isIPv6(zone < 0 ? inner : inner.slice(0, zone)) ? undefined : `'${inner}' in brackets is not an IPv6 address`;
  }
  const name = host.endsWith('.') ? host.slice(0, -1) : host; // a fully qualified name may end with '.'
  if (name.length === 0 || name.length > MAX_HOST_NAME_LENGTH || !name.split('.').every((label) => HOST_LABEL.test(label))) {
    return `'${host}' is not a host name or IP address (dot-separated labels of letters, digits, '-' and '_', not starting or ending with '-')`;
  }
  return undefined;
}

function parseBrokers(raw: unknown, givenName: string): string[] {
  let entries: string[];
  if (typeof raw === 'string') {
    entries = raw.split(',');
  } else if (Array.isArray(raw) && raw.every((e) => typeof e === 'string')) {
    // An array entry may itself be a comma-separated list (as when spread from an env variable).
    entries = (raw as string[]).flatMap((e) => e.split(','));
  } else {
    throw new ConfigError(givenName, `must be a string 'host:port,host:port' or an array of 'host:port', got ${show(raw)}`);
  }
  const brokers: string[] = [];
  for (const entry of entries) {
    const address = entry.trim();
    if (address.length === 0) continue;
    const scheme = /^[A-Za-z_]+:\/\//.exec(address);
    if (scheme !== null) {
      throw new ConfigError(givenName, `'${address}': write brokers as host:port, without '${scheme[0]}'`);
    }
    const match = ADDRESS.exec(address);
    const port = match === null ? NaN : Number(match[2]);
    if (match === null || port < 1 || port > 65535) {
      throw new ConfigError(
        givenName,
        `'${address}' is not host:port (e.g. localhost:9092, or [::1]:9092 for IPv6; the port is required)`,
      );
    }
    const problem = hostProblem(match[1]);
    if (problem !== undefined) throw new ConfigError(givenName, `'${address}': ${problem}`);
    brokers.push(address);
  }
  if (brokers.length === 0) {
    throw new ConfigError(givenName, "lists no broker: give at least one host:port, e.g. 'localhost:9092'");
  }
  return brokers;
}

function parseTopic(raw: unknown, givenName: string): string {
  if (typeof raw !== 'string') throw new ConfigError(givenName, `must be a topic name (a string), got ${show(raw)}`);
  if (!isValidTopicName(raw)) {
    throw new ConfigError(givenName, `${show(raw)} is not a valid Kafka topic name: ${TOPIC_NAME_RULES}`);
  }
  return raw;
}

function parseAcks(raw: unknown, givenName: string): -1 | 0 | 1 {
  switch (raw) {
    case 'all':
    case -1:
    case '-1':
      return -1;
    case 0:
    case '0':
      return 0;
    case 1:
    case '1':
      return 1;
    default:
      throw new ConfigError(givenName, `must be 'all' (or -1), 1 or 0, got ${show(raw)}`);
  }
}

/** Java's names only, lower case (its validator is case-sensitive too). */
function parseCompressionType(raw: unknown, givenName: string): CompressionType {
  if (typeof raw === 'string' && (COMPRESSION_TYPES as readonly string[]).includes(raw)) return raw as CompressionType;
  throw new ConfigError(
    givenName,
    `must be one of ${COMPRESSION_TYPES.map((t) => `'${t}'`).join(', ')} (the batch compression codec), got ${show(raw)}`,
  );
}

/** Java's rule: 1 (fastest) to 9 (smallest), or -1 for zlib's default (6). */
function parseGzipLevel(raw: unknown, givenName: string, javaStyle: boolean): number {
  let value = raw;
  if (javaStyle && typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw)) value = Number(raw);
  if (value === GZIP_DEFAULT_LEVEL) return GZIP_DEFAULT_LEVEL;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < GZIP_MIN_LEVEL || value > GZIP_MAX_LEVEL) {
    throw new ConfigError(
      givenName,
      `must be an integer from ${GZIP_MIN_LEVEL} (fastest) to ${GZIP_MAX_LEVEL} (smallest), or ${GZIP_DEFAULT_LEVEL} for zlib's default, got ${show(raw)}`,
    );
  }
  return value;
}

const INTERCEPTOR_HOOKS = ['onSend', 'onAcknowledgement', 'close'] as const;

function parseInterceptors(raw: unknown, givenName: string): unknown[] {
  if (!Array.isArray(raw)) {
    throw new ConfigError(givenName, `must be an array of interceptors [{ onSend?, onAcknowledgement?, close? }], got ${show(raw)}`);
  }
  raw.forEach((hook: unknown, i) => {
    const name = `${givenName}[${i}]`;
    if (hook === null || typeof hook !== 'object') {
      throw new ConfigError(name, `must be an object { onSend?, onAcknowledgement?, close? }, got ${show(hook)}`);
    }
    const h = hook as Record<string, unknown>;
    if (!INTERCEPTOR_HOOKS.some((m) => typeof h[m] === 'function')) {
      throw new ConfigError(name, 'has none of onSend, onAcknowledgement or close: it would never be called');
    }
    for (const m of INTERCEPTOR_HOOKS) {
      if (h[m] !== undefined && typeof h[m] !== 'function') throw new ConfigError(`${name}.${m}`, `must be a function, got ${show(h[m])}`);
    }
  });
  return raw;
}

function parseSerializers(raw: unknown, givenName: string): { key: unknown; value: unknown } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(givenName, `must be an object { key?, value? } of serializer functions, got ${show(raw)}`);
  }
  for (const k of Object.keys(raw)) {
    if (k !== 'key' && k !== 'value') {
      throw new ConfigError(`${givenName}.${k}`, `is not a serializer slot: use { key, value }`);
    }
  }
  const { key, value } = raw as { key?: unknown; value?: unknown };
  for (const [slot, fn] of [['key', key], ['value', value]] as const) {
    if (fn !== undefined && typeof fn !== 'function') {
      throw new ConfigError(
        `${givenName}.${slot}`,
        `must be a function (data, topic) => Buffer | null, e.g. serializers.json, got ${show(fn)}`,
      );
    }
  }
  return { key, value };
}

function parseLogger(raw: unknown, givenName: string): Logger {
  const logger = raw as Partial<Record<string, unknown>> | null;
  const methods = ['child', 'debug', 'info', 'warn', 'error'];
  if (logger === null || typeof logger !== 'object' || methods.some((m) => typeof logger[m] !== 'function')) {
    throw new ConfigError(givenName, `must be a pino logger (e.g. pino({ level: 'info' })), got ${show(raw)}`);
  }
  return raw as Logger;
}

function parseTransactionalId(raw: unknown, givenName: string): string | null {
  if (raw === null) return null;
  // An empty id is "none" in Java's config (it only counts a non-empty transactional.id).
  if (typeof raw === 'string') return raw === '' ? null : raw;
  throw new ConfigError(givenName, `must be a string (the producer's transactional id, stable across restarts) or null, got ${show(raw)}`);
}
