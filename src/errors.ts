/**
 * Every error rxkafka raises is an `RxKafkaError`: it has a stable `name`, a `retriable` flag the
 * sender uses to decide between retry and failure, and a message that tells the user what to do.
 * Errors about records carry the records' coordinates so that a user can tell what was not delivered.
 */
export class RxKafkaError extends Error {
  /** True when trying the same thing again later may succeed (the sender retries these). */
  readonly retriable: boolean;

  constructor(message: string, retriable = false, options?: { cause?: unknown }) {
    super(message, options);
    this.retriable = retriable;
    this.name = new.target.name;
  }
}

/** A Kafka error code returned by a broker (e.g. NOT_LEADER_OR_FOLLOWER, code 6). */
export class KafkaProtocolError extends RxKafkaError {
  /** Kafka's name for the code, e.g. `NOT_LEADER_OR_FOLLOWER`. */
  readonly type: string;
  /** Kafka's numeric error code. */
  readonly code: number;

  constructor(type: string, code: number, retriable: boolean, detail?: string) {
    super(`${type} (Kafka error code ${code})${detail ? `: ${detail}` : ''}`, retriable);
    this.type = type;
    this.code = code;
  }
}

/**
 * A response (or frame) that does not decode: truncated, a length past the frame's end, a negative
 * count. The connection that produced it is reset and the request retried; it is retriable.
 */
export class ProtocolDecodeError extends RxKafkaError {
  constructor(message: string) {
    super(`malformed data from broker: ${message}`, true);
  }
}

/** A connection could not be made or was lost. Retriable: the sender reconnects with backoff. */
export class ConnectionError extends RxKafkaError {
  readonly broker: string;

  constructor(broker: string, message: string, options?: { cause?: unknown }) {
    super(`connection to ${broker}: ${message}`, true, options);
    this.broker = broker;
  }
}

/**
 * The broker could not be authenticated, or did not accept us (Java: `AuthenticationException`).
 * Not retriable: the same credentials or certificates would fail again, so the records waiting
 * for that broker fail with it instead of waiting out `deliveryTimeoutMs`.
 */
export class AuthenticationError extends RxKafkaError {
  readonly broker: string;

  constructor(broker: string, message: string, options?: { cause?: unknown }) {
    super(`authentication with ${broker} failed: ${message}`, false, options);
    this.broker = broker;
  }
}

/**
 * The broker refused the SASL exchange: wrong username or password, an expired or rejected
 * token, a mechanism the listener does not enable (Java: `SaslAuthenticationException`).
 */
export class SaslAuthenticationError extends AuthenticationError {
  /** The mechanism tried, e.g. `SCRAM-SHA-256`. */
  readonly mechanism: string;

  constructor(broker: string, mechanism: string, message: string, options?: { cause?: unknown }) {
    super(broker, `SASL ${mechanism}: ${message}`, options);
    this.mechanism = mechanism;
  }
}

/**
 * The TLS handshake failed: the broker's certificate is not trusted or not for that host, or the
 * broker refused ours (Java: `SslAuthenticationException`).
 */
export class SslAuthenticationError extends AuthenticationError {
  /** Node's code for the failure, e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ERR_TLS_CERT_ALTNAME_INVALID`. */
  readonly code: string;

  constructor(broker: string, code: string, message: string, options?: { cause?: unknown }) {
    super(broker, `TLS: ${message}`, options);
    this.code = code;
  }
}

/** A request got no response within `requestTimeoutMs`. Retriable (the connection is closed). */
export class RequestTimeoutError extends RxKafkaError {
  constructor(broker: string, apiName: string, timeoutMs: number) {
    super(
      `${apiName} request to ${broker} got no response within requestTimeoutMs=${timeoutMs}; ` +
        'the connection was closed and the request will be retried',
      true,
    );
  }
}

/** An option is unknown, has the wrong type, or conflicts with another. Thrown before connecting. */
export class ConfigError extends RxKafkaError {
  readonly option: string;

  constructor(option: string, message: string) {
    super(`invalid producer option '${option}': ${message}`, false);
    this.option = option;
  }
}

/**
 * The configured compressionType's codec did not load: lz4 and snappy are native addons (lz4-napi,
 * snappy), zstd a WebAssembly module (@bokuweb/zstd-wasm), each loaded when a producer is created
 * with it. Raised by createProducer, before anything connects.
 */
export class CodecUnavailableError extends ConfigError {
  /** The compressionType whose codec did not load. */
  readonly codec: string;

  constructor(codec: string, modulePackage: string, cause: unknown) {
    super(
      'compressionType',
      `'${codec}' compresses through the package ${modulePackage}, which did not load (${cause instanceof Error ? cause.message : String(cause)}): ` +
        `reinstall the dependencies on this platform (npm ci) or choose another compressionType`,
    );
    this.codec = codec;
    this.cause = cause;
  }
}

/**
 * A batch could not be compressed off the event loop (zstd's worker thread failed or exited).
 * The producer sends that batch uncompressed and logs this error; a crashed worker is replaced.
 */
export class CompressionError extends RxKafkaError {
  /** The codec that failed. */
  readonly codec: string;

  constructor(codec: string, message: string, options?: { cause?: unknown }) {
    super(`${codec} compression failed: ${message}`, false, options);
    this.codec = codec;
  }
}

/** Where a record was going and what the user attached to it; carried by record-level errors. */
export interface RecordRef<M = unknown> {
  topic?: string;
  partition?: number;
  meta?: M;
}

/**
 * A record could not be delivered. `cause` is the underlying error (a `KafkaProtocolError`, a
 * `DeliveryTimeoutError`, a serializer's exception, …); `record` says which record it was.
 */
export class RecordError<M = unknown> extends RxKafkaError {
  readonly record: RecordRef<M>;

  constructor(message: string, record: RecordRef<M>, cause?: unknown, retriable = false) {
    super(message, retriable, { cause });
    this.record = record;
  }
}

/**
 * The record itself cannot be produced as given: it is not an object, names no topic, has an
 * invalid partition or timestamp, or has neither a key nor a value. Only that record fails.
 */
export class InvalidRecordError<M = unknown> extends RecordError<M> {
  constructor(message: string, record: RecordRef<M>) {
    super(message, record);
  }
}

/**
 * The user's `partitioner` threw for this record, or returned something other than an existing
 * partition. `cause` is what it threw, if it threw. Only that record fails.
 */
export class PartitionerError<M = unknown> extends RecordError<M> {
  constructor(message: string, record: RecordRef<M>, cause?: unknown) {
    super(message, record, cause);
  }
}

/** The record's batch was not acknowledged within `deliveryTimeoutMs` (retries included). */
export class DeliveryTimeoutError extends RxKafkaError {
  constructor(topic: string, partition: number, deliveryTimeoutMs: number, lastError?: unknown) {
    super(
      `records for ${topic}-${partition} were not acknowledged within deliveryTimeoutMs=${deliveryTimeoutMs}` +
        (lastError instanceof Error ? ` (last error: ${lastError.message})` : '') +
        '; check that the brokers are reachable and the partition has a leader',
      false,
      { cause: lastError },
    );
  }
}

/**
 * A record is larger than `maxRequestSize` (or `bufferMemory`) and can never be sent; or, as the
 * subclass MessageTooLargeError, the broker refused it alone as larger than the topic allows.
 */
export class RecordTooLargeError extends RxKafkaError {
  /** The record's size in bytes as checked against the limit (its batch, header included). */
  readonly sizeBytes: number;
  /** The limit it exceeds; -1 when only the broker knows it (MessageTooLargeError). */
  readonly limitBytes: number;
  /** Which limit: `maxRequestSize`, `bufferMemory`, or the broker's `max.message.bytes`. */
  readonly option: string;

  constructor(sizeBytes: number, limitBytes: number, option: string, message?: string) {
    super(
      message ??
        `record of ${sizeBytes} bytes exceeds ${option}=${limitBytes}; ` +
          `raise ${option} (and the broker's message.max.bytes) or send smaller records`,
      false,
    );
    this.sizeBytes = sizeBytes;
    this.limitBytes = limitBytes;
    this.option = option;
  }
}

/**
 * The broker refused a batch holding this one record with MESSAGE_TOO_LARGE (Kafka error code 10,
 * Java's RecordTooLargeException): the record is larger than the topic's `max.message.bytes` (by
 * default the broker's `message.max.bytes`, about 1 MiB). Larger batches refused so are split and
 * sent again; only a record that is too large alone fails, and only that record.
 */
export class MessageTooLargeError extends RecordTooLargeError {
  /** Kafka's name for the code. */
  readonly type = 'MESSAGE_TOO_LARGE';
  /** Kafka's numeric error code. */
  readonly code = 10;
  readonly topic: string;
  readonly partition: number;

  constructor(topic: string, partition: number, sizeBytes: number, compressionType: string) {
    super(
      sizeBytes,
      -1,
      'max.message.bytes',
      `MESSAGE_TOO_LARGE (Kafka error code 10): ${topic}-${partition} refused a record whose batch alone is ` +
        `${sizeBytes} bytes${compressionType === 'none' ? '' : ` (${compressionType}-compressed)`}, more than the topic's ` +
        "max.message.bytes (by default the broker's message.max.bytes) allows; raise max.message.bytes for the topic " +
        `(kafka-configs.sh --alter --entity-type topics --entity-name ${topic} --add-config max.message.bytes=<bytes>), ` +
        'compress (compressionType), or send smaller records',
    );
    this.topic = topic;
    this.partition = partition;
  }
}

/** A pushed source outran the producer: `bufferMemory` stayed full for `maxBlockMs`. */
export class BufferExhaustedError extends RxKafkaError {
  constructor(bufferMemory: number, maxBlockMs: number) {
    super(
      `bufferMemory=${bufferMemory} bytes stayed full for maxBlockMs=${maxBlockMs}: the source pushes ` +
        'faster than the brokers acknowledge. Use a pulled source (AsyncIterable), raise bufferMemory, ' +
        "or choose bufferPolicy 'drop-newest' or 'buffer'",
      false,
    );
  }
}

/** A key, value or header serializer threw, or produced something that is not a Buffer. */
export class SerializationError extends RxKafkaError {
  constructor(what: string, cause: unknown) {
    super(`could not serialize the record's ${what}: ${messageOf(cause)}`, false, {
      cause,
    });
  }
}

/** The producer was closed (or the stream unsubscribed) before the record was acknowledged. */
export class ProducerClosedError extends RxKafkaError {
  constructor(detail = 'the producer was closed before the record was acknowledged') {
    super(detail, false);
  }
}

/**
 * bufferPolicy 'drop-newest' dropped this record because `bufferMemory` was full. Reported on the
 * record's ack; it does not stop the stream (dropping is what the user asked for).
 */
export class RecordDroppedError extends RxKafkaError {
  constructor(bufferMemory: number) {
    super(`record dropped: bufferMemory=${bufferMemory} bytes was full and bufferPolicy is 'drop-newest'`, false);
  }
}

/** A record's topic did not get metadata (partitions and leaders) within `maxBlockMs`. */
export class MetadataTimeoutError extends RxKafkaError {
  readonly topic: string;

  constructor(topic: string, maxBlockMs: number, cause?: unknown) {
    // The cluster's own error already names the topic, the wait and what to do: keep it whole.
    super(
      cause instanceof Error
        ? cause.message
        : `no metadata for topic '${topic}' within maxBlockMs=${maxBlockMs}: check that the topic exists ` +
            '(or that auto-creation is on) and the brokers are reachable',
      false,
      { cause },
    );
    this.topic = topic;
  }
}

/**
 * A newer producer with the same `transactionalId` has taken over (PRODUCER_FENCED, or
 * INVALID_PRODUCER_EPOCH from the transaction coordinator), or the coordinator aborted a
 * transaction older than `transactionTimeoutMs` and bumped the epoch (`reason` says which, when
 * the producer can tell): this producer can run no more transactions. Fatal: close it. If two
 * instances of your application run with the same transactional id, that is the one that lost.
 */
export class ProducerFencedError extends RxKafkaError {
  constructor(transactionalId: string, cause?: unknown, reason?: string) {
    super(
      reason !== undefined
        ? `producer fenced: ${reason}; this producer can run no more transactions: close it and start a new one`
        : `producer fenced: another producer with transactionalId '${transactionalId}' has started since this one ` +
            '(or the coordinator gave its epoch to one); this producer can run no more transactions: close it ' +
            '(and make sure one instance only uses this transactional id)',
      false,
      { cause },
    );
  }
}

/**
 * The current transaction cannot commit (a record failed, the coordinator refused a partition, the
 * transaction ran past `transactionTimeoutMs` and the coordinator aborted it, …): abort it with
 * `abortTransaction()`, then begin a new one. `cause` is the error that made it abortable.
 */
export class TransactionAbortableError extends RxKafkaError {
  constructor(detail: string, cause?: unknown) {
    super(`the transaction cannot commit: ${detail}; call abortTransaction(), then begin a new transaction`, false, { cause });
  }
}

/**
 * The record was in a transaction that was aborted before it was sent (it never reached Kafka), or
 * was sent but its transaction aborted (read_committed consumers never see it).
 */
export class TransactionAbortedError extends RxKafkaError {
  constructor(detail = 'the transaction was aborted before this record was sent') {
    super(detail, false);
  }
}

/**
 * A transactional call came at the wrong time (e.g. `commitTransaction()` without
 * `beginTransaction()`, a record outside a transaction, `initTransactions()` twice), or after a
 * fatal error. The message says what the producer is doing and what to call instead.
 */
export class TransactionStateError extends RxKafkaError {
  constructor(message: string, cause?: unknown) {
    super(message, false, { cause });
  }
}

/**
 * A transactional call (`initTransactions`, `commitTransaction`, `abortTransaction`,
 * `sendOffsetsToTransaction`) could not finish within `maxBlockMs` (the coordinator was
 * unreachable or kept answering with retriable errors). Retriable: call it again.
 */
export class TransactionTimeoutError extends RxKafkaError {
  constructor(operation: string, maxBlockMs: number, lastError?: unknown) {
    super(
      `${operation} did not complete within maxBlockMs=${maxBlockMs}` +
        (lastError instanceof Error ? ` (last error: ${lastError.message})` : '') +
        '; check that the brokers are up, then call it again',
      true,
      { cause: lastError },
    );
  }
}

/** `thrown` as an Error: what a `catch` or a promise rejection gave, which JavaScript does not type. */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

/** The message of whatever was thrown. */
export function messageOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}
