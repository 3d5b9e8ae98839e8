import { isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import { COMPRESSION_TYPES, type CompressionType, GZIP_DEFAULT_LEVEL, GZIP_MAX_LEVEL, GZIP_MIN_LEVEL } from '../compression';
import { ConfigError } from '../errors';
import { isValidTopicName, TOPIC_NAME_RULES } from '../protocol/topicName';

/**
 * How each option's value is checked and converted (the option table, configOptions.ts, names the
 * parser of each): the kinds shared by many options (integers with a range and unit, booleans,
 * one of a list, functions), then the options with rules of their own. Each throws a ConfigError
 * naming the option as the user wrote it.
 */

/**
 * Largest value of int options and of times. Java's ints stop there, and Node timers (setTimeout,
 * hence RxJS schedulers) treat a longer delay as 1 ms — a silent misbehaviour worth an error.
 */
export const INT32_MAX = 0x7fffffff;

/** A value as it appears in a message: strings quoted, the rest by type. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'a function';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

export function integer(min: number, unit: string, max = INT32_MAX) {
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

export function booleanOption(raw: unknown, givenName: string, javaStyle: boolean): boolean {
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

export function parseClientId(raw: unknown, givenName: string): string {
  const clientId = stringOption(raw, givenName);
  const bytes = Buffer.byteLength(clientId, 'utf8');
  if (bytes > MAX_CLIENT_ID_BYTES) {
    throw new ConfigError(givenName, `is ${bytes} bytes long; the Kafka request header holds at most ${MAX_CLIENT_ID_BYTES}: shorten it`);
  }
  return clientId;
}

export function oneOf<T extends string>(allowed: readonly T[]) {
  return (raw: unknown, givenName: string): T => {
    if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
    throw new ConfigError(givenName, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(raw)}`);
  };
}

export function functionOption(shape: string) {
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

export function parseBrokers(raw: unknown, givenName: string): string[] {
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

export function parseTopic(raw: unknown, givenName: string): string {
  if (typeof raw !== 'string') throw new ConfigError(givenName, `must be a topic name (a string), got ${show(raw)}`);
  if (!isValidTopicName(raw)) {
    throw new ConfigError(givenName, `${show(raw)} is not a valid Kafka topic name: ${TOPIC_NAME_RULES}`);
  }
  return raw;
}

export function parseAcks(raw: unknown, givenName: string): -1 | 0 | 1 {
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
export function parseCompressionType(raw: unknown, givenName: string): CompressionType {
  if (typeof raw === 'string' && (COMPRESSION_TYPES as readonly string[]).includes(raw)) return raw as CompressionType;
  throw new ConfigError(
    givenName,
    `must be one of ${COMPRESSION_TYPES.map((t) => `'${t}'`).join(', ')} (the batch compression codec), got ${show(raw)}`,
  );
}

/** Java's rule: 1 (fastest) to 9 (smallest), or -1 for zlib's default (6). */
export function parseGzipLevel(raw: unknown, givenName: string, javaStyle: boolean): number {
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

export function parseInterceptors(raw: unknown, givenName: string): unknown[] {
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

export function parseSerializers(raw: unknown, givenName: string): { key: unknown; value: unknown } {
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

export function parseLogger(raw: unknown, givenName: string): Logger {
  const logger = raw as Partial<Record<string, unknown>> | null;
  const methods = ['child', 'debug', 'info', 'warn', 'error'];
  if (logger === null || typeof logger !== 'object' || methods.some((m) => typeof logger[m] !== 'function')) {
    throw new ConfigError(givenName, `must be a pino logger (e.g. pino({ level: 'info' })), got ${show(raw)}`);
  }
  return raw as Logger;
}

export function parseTransactionalId(raw: unknown, givenName: string): string | null {
  if (raw === null) return null;
  // An empty id is "none" in Java's config (it only counts a non-empty transactional.id).
  if (typeof raw === 'string') return raw === '' ? null : raw;
  throw new ConfigError(givenName, `must be a string (the producer's transactional id, stable across restarts) or null, got ${show(raw)}`);
}
