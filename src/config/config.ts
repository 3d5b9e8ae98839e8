import type { Logger } from 'pino';
import { ConfigError } from '../errors';
import { defaultLogger, OPTIONS, specFor } from './configOptions';
import type { BufferPolicy, LogLevel } from './configOptions';
import { checkBackoff, checkCompression, checkDeliveryTimeout, checkIdempotence, checkSizes, type Values } from './crossOptionRules';
import type { ProducerConfig, ResolvedConfig } from './ProducerConfig';
import { warnAboutSecurity } from './securityOptions';
import { unknownOptionMessage } from './unknownOptions';

export type { BufferPolicy, LogLevel, ProducerConfig, ResolvedConfig };

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
  checkSizes(v, nameOf, log);
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
