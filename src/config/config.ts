import type { Logger } from 'pino';
import { type CompressionCodec, type CompressionType, createCodec, LZ4_DEFAULT_LEVEL } from '../compression';
import { ConfigError } from '../errors';
import type { Partitioner } from '../partitioners/Partitioner';
import type { Serializer } from '../serde/Serializer';
import type { ProducerInterceptor } from '../types';
import type { BrokerTlsOptions } from '../network/brokerSocket';
import type { SaslOptions } from '../network/sasl/SaslOptions';
import { defaultLogger, OPTIONS, specFor, unknownOptionMessage } from './configOptions';
import type { BufferPolicy, LogLevel } from './configOptions';
import { warnAboutSecurity, type SaslConfig, type SslConfig } from './securityOptions';

/**
 * The producer's options. camelCase; every option that has a Java producer counterpart may also be
 * given under its Java name (`'linger.ms'`, `'bootstrap.servers'` …, as strings too, the way a
 * `.properties` file holds them), so existing producer properties can be brought as they are.
 * Giving one option under both names is an error. Defaults are the Kafka 4.x producer's.
 *
 * Everything is validated when the producer is created, before anything connects: an unknown
 * option, a wrong type or a conflicting combination throws a ConfigError naming the option.
 *
 * @example
 * createProducer({
 *   brokers: 'kafka-1:9092,kafka-2:9092',
 *   topic: 'events',
 *   lingerMs: 10,
 *   serializers: { value: serializers.json },
 * });
 * // or with Java names, e.g. read from a .properties file:
 * createProducer({ brokers: 'kafka-1:9092', 'linger.ms': '10', 'enable.idempotence': 'true' });
 */
export interface ProducerConfig {
  /**
   * Bootstrap brokers, `'host:port,host:port'` or `['host:port', …]`; IPv6 as `[::1]:9092`.
   * Used only to discover the cluster: one reachable broker is enough. Required.
   * Java: `bootstrap.servers`.
   */
  brokers: string | string[];
  /** Sent to brokers with every request, for their logs and quotas. Default `'rxkafka'`. Java: `client.id`. */
  clientId?: string;
  /** Topic of records that name none. Default: none (then every record must have `topic`). */
  topic?: string;
  /**
   * How many replicas must have a record before it is acked: `'all'` (= -1, the in-sync replicas),
   * `1` (the leader), `0` (no response; offsets are unknown, -1n). Default `'all'`. Java: `acks`.
   */
  acks?: 'all' | -1 | '-1' | 0 | 1 | '0' | '1';
  /**
   * Idempotent producer: retries never duplicate or reorder records within a partition. Default
   * `true`. Needs acks 'all', retries > 0 and maxInFlight ≤ 5: if you set it to `true` explicitly
   * and one of those conflicts, creation fails; if you left it unset, acks ≠ all or retries = 0
   * turn it off silently (logged at info), as Java does. Java: `enable.idempotence`.
   */
  idempotence?: boolean;
  /**
   * How long a batch waits for more records before it is sent, in ms. Default `5`. Higher values
   * make fuller batches (throughput) at the cost of latency. Java: `linger.ms`.
   */
  lingerMs?: number;
  /**
   * Target size of one partition's batch, in bytes: a batch is sent when the next record would
   * not fit. Also how many bytes the sticky partitioner sends to one partition before moving on.
   * Default `16384`. Java: `batch.size`.
   */
  batchSize?: number;
  /**
   * Bytes of records the producer may hold (batched or in flight) before it stops taking more
   * (see bufferPolicy). Default `33554432` (32 MiB). Java: `buffer.memory`.
   */
  bufferMemory?: number;
  /**
   * Produce requests outstanding per broker connection. Default `5` (at most 5 with idempotence).
   * Java: `max.in.flight.requests.per.connection`.
   */
  maxInFlight?: number;
  /**
   * How many times a failed batch is retried; `deliveryTimeoutMs` is the real bound. Default
   * `2147483647`. Java: `retries`.
   */
  retries?: number;
  /**
   * Upper bound, in ms, from a record's acceptance to its ack (success or failure), retries
   * included. Must be ≥ lingerMs + requestTimeoutMs. Default `120000`. Java: `delivery.timeout.ms`.
   */
  deliveryTimeoutMs?: number;
  /** How long to wait for a broker's response, in ms. Default `30000`. Java: `request.timeout.ms`. */
  requestTimeoutMs?: number;
  /** First wait before retrying a failed request, in ms. Default `100`. Java: `retry.backoff.ms`. */
  retryBackoffMs?: number;
  /** Largest retry wait (exponential with jitter), in ms. Default `1000`. Java: `retry.backoff.max.ms`. */
  retryBackoffMaxMs?: number;
  /** First wait before reconnecting to a broker, in ms. Default `50`. Java: `reconnect.backoff.ms`. */
  reconnectBackoffMs?: number;
  /** Largest reconnect wait, in ms. Default `1000`. Java: `reconnect.backoff.max.ms`. */
  reconnectBackoffMaxMs?: number;
  /**
   * How long a TCP (and TLS/SASL) connection may take to set up, in ms. Default `10000`.
   * Java: `socket.connection.setup.timeout.ms`.
   */
  socketConnectionSetupTimeoutMs?: number;
  /**
   * Largest produce request, in bytes; also the largest record. Default `1048576` (1 MiB).
   * Java: `max.request.size`.
   */
  maxRequestSize?: number;
  /** Metadata is refreshed at least this often, in ms. Default `300000`. Java: `metadata.max.age.ms`. */
  metadataMaxAgeMs?: number;
  /**
   * How long a record may wait for its topic's metadata, or (bufferPolicy 'error') for room in
   * bufferMemory, before it fails, in ms. Default `60000`. Java: `max.block.ms`.
   */
  maxBlockMs?: number;
  /**
   * How batches are compressed: `'none'` (default), `'gzip'`, `'snappy'`, `'lz4'` or `'zstd'`, in
   * the framing the Java producer writes for each. A batch's records are compressed as one unit
   * when the batch is closed; `batchSize` bounds the records before compression, so compressed
   * batches are smaller on the wire than batchSize (raise batchSize to send more per batch). A
   * batch that would not shrink goes uncompressed. zstd needs brokers of Kafka 2.1 or later
   * (Produce v7). Java: `compression.type`.
   *
   * @example
   * createProducer({ brokers, topic, compressionType: 'zstd', compressionZstdLevel: 6 })
   */
  compressionType?: CompressionType;
  /** gzip level: 1 (fastest) … 9 (smallest), or -1 (default) for zlib's default, 6. Java: `compression.gzip.level`. */
  compressionGzipLevel?: number;
  /**
   * lz4 level, 1 … 17, default 9. Accepted as Java accepts it, but rxkafka's lz4 has LZ4's fast
   * mode only — the one Java uses at the default level — so other levels compress the same (a
   * warning is logged). Java: `compression.lz4.level`.
   */
  compressionLz4Level?: number;
  /** zstd level: -131072 (fastest) … 22 (smallest), default 3. Java: `compression.zstd.level`. */
  compressionZstdLevel?: number;
  /**
   * What a pushed source (an Observable) gets when bufferMemory is full: `'error'` (default) —
   * the record waits up to maxBlockMs, then fails; `'drop-newest'` — the record fails at once with
   * RecordDroppedError; `'buffer'` — it waits without limit (memory unbounded). Pulled sources
   * (AsyncIterable, Readable) are never affected: they are simply not read while full.
   */
  bufferPolicy?: BufferPolicy;
  /** Whether the ack stream errors on the first failed record (`true`, default) or reports each failure as a FailedAck and goes on. */
  stopOnError?: boolean;
  /** Ask brokers to create unknown topics (if the brokers allow it). Default `true`. */
  allowAutoTopicCreation?: boolean;
  /** A partition chooser of your own, used for records without an explicit partition. Default: Java's (key hash, else sticky). */
  partitioner?: Partitioner;
  /**
   * Key and value serializers. Default for both: Buffer, Uint8Array and string pass (strings as
   * UTF-8); anything else fails the record. Use `serializers.json` for objects.
   */
  serializers?: { key?: Serializer<never>; value?: Serializer<never> };
  /**
   * Hooks called on every record: `onSend` before it is serialized (it may return the record to
   * send instead, e.g. with a `traceparent` header), `onAcknowledgement` with its ack. A hook that
   * throws is logged and ignored. Default none (and then no per-record cost). Java: `interceptor.classes`.
   *
   * @example
   * createProducer({ brokers, topic, interceptors: [{ onAcknowledgement: (ack) => ack.error && alert(ack.error) }] })
   */
  interceptors?: ProducerInterceptor[];
  /**
   * How often `metrics$` emits a snapshot, in ms; also the window its rates, averages and
   * latency percentiles cover. Default `5000`. Java: `metrics.sample.window.ms`.
   */
  metricsIntervalMs?: number;
  /**
   * A pino logger; the producer logs through children of it, one per component (`component`:
   * producer, sender, idempotence, compression, cluster, connection-pool, connection — the last
   * with `broker`), each with `clientId`. Default: a pino logger at `logLevel`.
   */
  logger?: Logger;
  /** Level of the default logger: 'silent' (default), 'fatal', 'error', 'warn', 'info', 'debug', 'trace'. Not with `logger`. */
  logLevel?: LogLevel;
  /**
   * Makes the producer transactional (see `Producer.initTransactions` and `sendTransactionally`).
   * The id names the producer across restarts: a new producer with the same id fences the old one
   * and finishes its open transaction. Implies idempotence (and so acks 'all', maxInFlight ≤ 5).
   * Default null: not transactional. Java: `transactional.id`.
   */
  transactionalId?: string | null;
  /**
   * How long the transaction coordinator lets a transaction stay open before it aborts it, in ms.
   * Default `60000`; the broker caps it at its `transaction.max.timeout.ms`. Java:
   * `transaction.timeout.ms`.
   */
  transactionTimeoutMs?: number;
  /**
   * TLS to the brokers: `true` (the system's CAs, host names checked), or settings — PEM contents,
   * not file names: `{ ca, cert, key, passphrase, servername, rejectUnauthorized }`. Default: off
   * (plaintext). Java: `security.protocol` SSL or SASL_SSL with the `ssl.*` settings.
   *
   * @example
   * ssl: { ca: fs.readFileSync('ca.pem', 'utf8') }
   */
  ssl?: boolean | SslConfig;
  /**
   * SASL authentication after connecting (and again, on the same connection, before the session
   * the broker grants ends — KIP-368). `{ mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512',
   * username, password }` or `{ mechanism: 'oauthbearer', oauthBearerProvider }`. Default: none.
   * A refusal fails the waiting records with SaslAuthenticationError; it is not retried. Java:
   * `security.protocol` SASL_PLAINTEXT or SASL_SSL with `sasl.mechanism` and `sasl.jaas.config`.
   *
   * @example
   * sasl: { mechanism: 'scram-sha-512', username: 'app', password: process.env.KAFKA_PASSWORD! }
   */
  sasl?: SaslConfig;
  /**
   * Java producer names (`'linger.ms'`, `'enable.idempotence'` …), checked at runtime like the
   * camelCase ones; unknown names are rejected with a suggestion.
   */
  [javaName: `${string}.${string}`]: unknown;
}

/**
 * The options after validation, with every default filled in. Built by resolveConfig; read-only.
 */
export interface ResolvedConfig {
  /** Bootstrap addresses, one `host:port` per entry. */
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topic: string | undefined;
  /** -1 (all), 0 or 1, as the Produce request carries it. */
  readonly acks: -1 | 0 | 1;
  /** Whether the producer is idempotent, after Java's rules (may be false though not set). */
  readonly idempotence: boolean;
  readonly lingerMs: number;
  readonly batchSize: number;
  readonly bufferMemory: number;
  readonly maxInFlight: number;
  readonly retries: number;
  readonly deliveryTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  readonly reconnectBackoffMs: number;
  readonly reconnectBackoffMaxMs: number;
  readonly socketConnectionSetupTimeoutMs: number;
  readonly maxRequestSize: number;
  readonly metadataMaxAgeMs: number;
  readonly maxBlockMs: number;
  readonly compressionType: CompressionType;
  readonly compressionGzipLevel: number;
  readonly compressionLz4Level: number;
  readonly compressionZstdLevel: number;
  /** What compresses batches (from compressionType and its level); null for 'none'. */
  readonly compressionCodec: CompressionCodec | null;
  readonly bufferPolicy: BufferPolicy;
  readonly stopOnError: boolean;
  readonly allowAutoTopicCreation: boolean;
  readonly partitioner: Partitioner | undefined;
  /** undefined: the default serializer (see defaultSerializer). */
  readonly serializers: { readonly key: Serializer<never> | undefined; readonly value: Serializer<never> | undefined };
  readonly interceptors: readonly ProducerInterceptor[];
  readonly metricsIntervalMs: number;
  readonly logger: Logger;
  readonly transactionalId: string | null;
  readonly transactionTimeoutMs: number;
  /** TLS options for node:tls (host and port come from each broker); undefined: plaintext. */
  readonly ssl: BrokerTlsOptions | undefined;
  /** SASL settings, mechanism in Kafka's spelling; the password is not enumerable. undefined: no SASL. */
  readonly sasl: SaslOptions | undefined;
  /** The camelCase names of the options the user gave (under either name), for rules that depend on it. */
  readonly explicit: ReadonlySet<string>;
}

/** The resolved values, before the cross-option rules; keyed by camelCase name. */
type Values = { -readonly [K in keyof ResolvedConfig]: ResolvedConfig[K] };

/**
 * Validates the user's options and fills in the defaults. Throws ConfigError (naming the option
 * and what to do) for an unknown option, a wrong type or range, and conflicting options.
 *
 * @example
 * resolveConfig({ brokers: 'localhost:9092', acks: 1 }).idempotence // false (acks ≠ all, idempotence not set)
 * resolveConfig({ brokers: 'localhost:9092', acks: 1, idempotence: true }) // throws ConfigError
 */
export function resolveConfig(user: ProducerConfig | ResolvedConfig | Record<string, unknown>): ResolvedConfig {
  // Already resolved (toKafka validates at call time, then each subscription's Producer gets the
  // result): checked and logged once.
  if (isResolved(user)) return user;
  if (user === null || typeof user !== 'object' || Array.isArray(user)) {
    throw new ConfigError('config', `the producer configuration must be an object such as { brokers: 'localhost:9092' }`);
  }
  const given = new Map<string, unknown>();
  /** camelCase name → the name the user wrote, for messages in the user's terms. */
  const givenAs = new Map<string, string>();
  for (const name of Object.keys(user)) {
    const raw = (user as Record<string, unknown>)[name];
    // undefined is "not set": lets users write { lingerMs: env.LINGER_MS } without special cases.
    if (raw === undefined) continue;
    const spec = specFor(name);
    if (spec === undefined) throw new ConfigError(name, unknownOptionMessage(name));
    const previous = givenAs.get(spec.name);
    if (previous !== undefined) {
      throw new ConfigError(name, `'${previous}' and '${name}' are the same option: give only one of them`);
    }
    givenAs.set(spec.name, name);
    given.set(spec.name, spec.parse(raw, name, spec.alias !== undefined && name === spec.alias));
  }
  if (!given.has('brokers')) {
    throw new ConfigError('brokers', "is required: the bootstrap brokers, e.g. brokers: 'localhost:9092'");
  }
  if (given.has('logger') && given.has('logLevel')) {
    throw new ConfigError('logLevel', 'applies to the default logger only: set the level on your own `logger` instead');
  }

  const values = {} as Record<string, unknown>;
  for (const spec of OPTIONS) values[spec.name] = given.has(spec.name) ? given.get(spec.name) : spec.defaultValue;
  const v = values as unknown as Values & { logLevel: LogLevel };
  v.explicit = new Set(given.keys());
  v.serializers = (values.serializers as Values['serializers'] | undefined) ?? { key: undefined, value: undefined };
  v.logger = (values.logger as Logger | undefined) ?? defaultLogger(v.logLevel);
  delete (values as { logLevel?: unknown }).logLevel;

  const nameOf = (option: string): string => givenAs.get(option) ?? option;
  // What the rules adjust is logged as the config component (the producer's loggers come later).
  const log = v.logger.child({ clientId: v.clientId, component: 'config' });
  checkSizes(v, nameOf);
  checkDeliveryTimeout(v, nameOf, log);
  checkBackoff(v, 'retryBackoffMs', 'retryBackoffMaxMs', log);
  checkBackoff(v, 'reconnectBackoffMs', 'reconnectBackoffMaxMs', log);
  checkIdempotence(v, nameOf, log);
  checkCompression(v, nameOf, log);
  warnAboutSecurity(v.ssl, v.sasl, log);
  Object.defineProperty(v, RESOLVED, { value: true });
  return v;
}

/** Marks a ResolvedConfig (non-enumerable, so that it does not show when the config is logged). */
const RESOLVED = Symbol('rxkafka.resolvedConfig');

function isResolved(c: unknown): c is ResolvedConfig {
  return typeof c === 'object' && c !== null && (c as Record<symbol, unknown>)[RESOLVED] === true;
}

type NameOf = (option: string) => string;

function checkSizes(v: Values, nameOf: NameOf): void {
  if (v.batchSize > v.maxRequestSize) {
    throw new ConfigError(
      nameOf('batchSize'),
      `${v.batchSize} bytes is more than ${nameOf('maxRequestSize')}=${v.maxRequestSize}: a full batch could never be sent; lower batchSize or raise maxRequestSize`,
    );
  }
  if (v.batchSize > v.bufferMemory) {
    throw new ConfigError(
      nameOf('batchSize'),
      `${v.batchSize} bytes is more than ${nameOf('bufferMemory')}=${v.bufferMemory}: not even one batch would fit in memory; lower batchSize or raise bufferMemory`,
    );
  }
}

/** Makes the codec; says so when an lz4 level asks for what the lz4 codec does not do. */
function checkCompression(v: Values, nameOf: NameOf, log: Logger): void {
  if (v.compressionType === 'lz4' && v.compressionLz4Level !== LZ4_DEFAULT_LEVEL) {
    log.warn(
      `${nameOf('compressionLz4Level')}=${v.compressionLz4Level}: rxkafka's lz4 has LZ4's fast mode only (Java's level ${LZ4_DEFAULT_LEVEL}); batches compress as at level ${LZ4_DEFAULT_LEVEL}`,
    );
  }
  v.compressionCodec = createCodec(v.compressionType, {
    gzip: v.compressionGzipLevel,
    lz4: v.compressionLz4Level,
    zstd: v.compressionZstdLevel,
  });
}

/**
 * Java's rule (KafkaProducer.configureDeliveryTimeout): a record must be allowed to linger and
 * then wait for one response. Set explicitly too low: error. Left at its default: raised to fit.
 */
function checkDeliveryTimeout(v: Values, nameOf: NameOf, log: Logger): void {
  const needed = Math.min(v.lingerMs + v.requestTimeoutMs, 0x7fffffff);
  if (v.deliveryTimeoutMs >= needed) return;
  if (v.explicit.has('deliveryTimeoutMs')) {
    throw new ConfigError(
      nameOf('deliveryTimeoutMs'),
      `${v.deliveryTimeoutMs} ms is less than ${nameOf('lingerMs')} + ${nameOf('requestTimeoutMs')} = ${needed} ms: ` +
        `a record could time out before its first request is answered; raise deliveryTimeoutMs to at least ${needed}`,
    );
  }
  log.warn(
    { deliveryTimeoutMs: needed },
    `deliveryTimeoutMs (default) is less than lingerMs + requestTimeoutMs; setting it to ${needed}`,
  );
  v.deliveryTimeoutMs = needed;
}

/** As Java (CommonClientConfigs): a maximum below the initial backoff means a constant backoff. */
function checkBackoff(v: Values, initial: 'retryBackoffMs' | 'reconnectBackoffMs', max: 'retryBackoffMaxMs' | 'reconnectBackoffMaxMs', log: Logger): void {
  if (v[max] >= v[initial]) return;
  if (v.explicit.has(max)) {
    log.warn(`${max}=${v[max]} is less than ${initial}=${v[initial]}: backoff stays at ${v[initial]} ms`);
  }
  v[max] = v[initial];
}

/**
 * Java's ProducerConfig.postProcessAndValidateIdempotenceConfigs (Kafka 4.x), in its order:
 * with idempotence on, retries = 0 or acks ≠ all are errors if the user asked for idempotence,
 * and otherwise turn it off (logged at info); maxInFlight > 5 is an error either way (Kafka 4.0
 * made it one; 3.x turned idempotence off with a warning). A transactional id counts as asking for
 * idempotence: its conflicts are errors, and so is idempotence: false.
 */
function checkIdempotence(v: Values, nameOf: NameOf, log: Logger): void {
  if (!v.idempotence) {
    if (v.transactionalId !== null) throw transactionsNeedIdempotence(nameOf, `${nameOf('idempotence')} is false`);
    return;
  }
  // A transactional id makes idempotence a requirement, as if the user had asked for it.
  const transactional = v.transactionalId !== null;
  const userSet = v.explicit.has('idempotence') || transactional;
  // What else the user can do about a conflict, in their own option names.
  const instead = transactional ? `remove ${nameOf('transactionalId')}` : `${nameOf('idempotence')}: false`;
  let disable = false;
  if (v.retries === 0) {
    if (userSet) {
      throw new ConfigError(
        nameOf('retries'),
        `is 0, but the idempotent producer needs retries: raise retries, or ${transactional ? instead : `set ${instead}`}`,
      );
    }
    log.info('idempotence is disabled because retries is 0');
    disable = true;
  }
  if (v.acks !== -1) {
    if (userSet) {
      throw new ConfigError(
        nameOf('acks'),
        `is ${v.acks}, but the ${transactional ? 'transactional' : 'idempotent'} producer needs acks 'all' to guarantee no duplicates: set acks: 'all', or ${instead}`,
      );
    }
    log.info(`idempotence is disabled because acks is ${v.acks}, not 'all'`);
    disable = true;
  }
  if (v.maxInFlight > 5) {
    throw new ConfigError(
      nameOf('maxInFlight'),
      `is ${v.maxInFlight}, but the idempotent producer keeps order with at most 5 requests in flight (the broker tracks 5 batches per producer): ` +
        `set maxInFlight to 5 or less, or ${instead}`,
    );
  }
  if (disable) v.idempotence = false;
}

export type { BufferPolicy, LogLevel };

/** Java's "Cannot set a transactional.id without also enabling idempotence", in the user's terms. */
function transactionsNeedIdempotence(nameOf: NameOf, why: string): ConfigError {
  return new ConfigError(
    nameOf('transactionalId'),
    `needs the idempotent producer, but ${why}: remove ${nameOf('idempotence')}: false, or ${nameOf('transactionalId')}`,
  );
}
