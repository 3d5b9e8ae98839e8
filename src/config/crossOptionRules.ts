import type { Logger } from 'pino';
import { createCodec, LZ4_DEFAULT_LEVEL } from '../compression';
import { ConfigError } from '../errors';
import type { ResolvedConfig } from './ProducerConfig';

/**
 * The rules between options, applied by resolveConfig after each option was checked on its own:
 * sizes that must fit in one another, delivery timeout and backoff bounds, Java's idempotence
 * rules, the compression codec. Each either throws a ConfigError in the user's option names or
 * adjusts a value it was free to adjust (an option left at its default), and logs it.
 */

/** The resolved values, before the cross-option rules; keyed by camelCase name. */
export type Values = { -readonly [K in keyof ResolvedConfig]: ResolvedConfig[K] };

/** The name the user gave an option under (camelCase or Java), for messages in their terms. */
export type NameOf = (option: string) => string;

/**
 * A full batch must fit in one request and in bufferMemory. `batchSize` left at its default (larger
 * than Java's) is lowered to fit a smaller `maxRequestSize` or `bufferMemory` rather than refused:
 * the user asked for neither.
 */
export function checkSizes(v: Values, nameOf: NameOf, log: Logger): void {
  if (!v.explicit.has('batchSize') && v.batchSize > Math.min(v.maxRequestSize, v.bufferMemory)) {
    const fitted = Math.min(v.maxRequestSize, v.bufferMemory);
    log.info({ batchSize: fitted }, `batchSize (default ${v.batchSize}) is more than maxRequestSize or bufferMemory; setting it to ${fitted}`);
    v.batchSize = fitted;
  }
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
export function checkCompression(v: Values, nameOf: NameOf, log: Logger): void {
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
export function checkDeliveryTimeout(v: Values, nameOf: NameOf, log: Logger): void {
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
export function checkBackoff(v: Values, initial: 'retryBackoffMs' | 'reconnectBackoffMs', max: 'retryBackoffMaxMs' | 'reconnectBackoffMaxMs', log: Logger): void {
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
export function checkIdempotence(v: Values, nameOf: NameOf, log: Logger): void {
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

/** Java's "Cannot set a transactional.id without also enabling idempotence", in the user's terms. */
function transactionsNeedIdempotence(nameOf: NameOf, why: string): ConfigError {
  return new ConfigError(
    nameOf('transactionalId'),
    `needs the idempotent producer, but ${why}: remove ${nameOf('idempotence')}: false, or ${nameOf('transactionalId')}`,
  );
}
