import type { Logger } from 'pino';
import type { CompressionCodec, CompressionType } from '../compression';
import type { BrokerTlsOptions } from '../network/brokerSocket';
import type { SaslOptions } from '../network/sasl/SaslOptions';
import type { Partitioner } from '../partitioners/Partitioner';
import type { Serializer } from '../serde/Serializer';
import type { ProducerInterceptor } from '../types';
import type { BufferPolicy, LogLevel } from './configOptions';
import type { SaslConfig, SslConfig } from './securityOptions';

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
   * A new batch of a partition that has nothing on its way to the broker (no earlier batch
   * compressing, queued or awaiting its response) is sent at once, with the records of the same
   * tick, instead of lingering; `lingerMs` applies while an earlier batch of the partition is on
   * its way, and when that one is answered the open batch goes (Nagle's algorithm, per partition).
   * At a low rate a record then waits about one round trip, not `lingerMs`; under load every
   * partition is busy and batches fill as with linger alone. Default `true`. `false`: every batch
   * lingers `lingerMs`, as Java's. No Java name (rxkafka's own).
   */
  sendWhenIdle?: boolean;
  /**
   * Target size of one partition's batch, in bytes: a batch is sent when the next record would
   * not fit. Also how many bytes the sticky partitioner sends to one partition before moving on.
   * Default `262144` (256 KiB). Java: `batch.size`, whose default is 16384: Java takes a whole
   * batch.size buffer per batch up front, rxkafka takes memory as records arrive (a batch starts
   * at 16 KiB and doubles), so a partition that gets few records costs what it does in Java, and
   * a busy one fills 256 KiB batches — about twice the records/s of 16 KiB batches (issue 12's
   * measurements). Left at its default, it is lowered to `maxRequestSize` or `bufferMemory` when
   * either is smaller.
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
  readonly sendWhenIdle: boolean;
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
