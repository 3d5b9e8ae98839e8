import { readFileSync } from 'node:fs';
import { specFor } from '../config/configOptions';
import { unknownOptionMessage } from '../config/unknownOptions';
import { parseJavaProperties, propertiesText, PropertiesSyntaxError } from './javaProperties';
import { CliUsageError } from './options';
import { otherClientsProperty } from './otherClientsProperties';
import { osError } from './pemFiles';
import { propertyError, propertyLabel, type PropertySource } from './propertySource';
import { isSecurityProperty, securityOptions } from './securityProperties';

/**
 * Kafka-style producer configuration for the CLI: `--producer.config FILE` (Java properties, as
 * Kafka's tools read them) and `-X name=value` (as kcat), both in the Java producer's names. The
 * option table of src/config/ says which names rxkafka has (resolveConfig then checks their
 * values, as for any user); the security names become the `ssl` and `sasl` options
 * (securityProperties.ts). Precedence: the file, then each -X in order, then the command's flags.
 */

/** The producer options the properties give, and where each came from. */
export interface ProducerProperties {
  /** Options under their Java names with string values (resolveConfig reads them so), and `ssl` / `sasl`. */
  readonly config: Record<string, unknown>;
  /** Option name as in `config` → `client.properties:7: linger.ms`, for messages about its value. */
  readonly labels: Readonly<Record<string, string>>;
  /** One warning per property given for another client (a consumer's, Schema Registry's), which is ignored. */
  readonly ignored: readonly string[];
}

/** Java producer properties that make no sense for the CLI, and why. */
const NOT_FOR_THE_CLI: Readonly<Record<string, string>> = {
  'key.serializer': "is not used: the CLI sends each key's bytes as they are (Java's ByteArraySerializer); remove it",
  'value.serializer': "is not used: the CLI sends each line's bytes as they are (Java's ByteArraySerializer); remove it",
  'partitioner.class': "is not used: the CLI partitions as Java's default partitioner does; remove it",
  'interceptor.classes': 'is not used: the CLI has no interceptors; remove it',
};

/**
 * `client.dns.lookup`: Java's default since Kafka 3.0, use_all_dns_ips, is what every rxkafka
 * connection does (Node tries each address a name resolves to, 250 ms apart, as RFC 8305 says), so
 * a file that sets it (Confluent Cloud's does) is taken as it is; Java's other value is refused.
 */
function checkDnsLookup(p: PropertySource): void {
  const value = p.value.trim();
  if (value === 'use_all_dns_ips') return;
  if (value === 'resolve_canonical_bootstrap_servers_only') {
    throw propertyError(p, 'resolve_canonical_bootstrap_servers_only is not implemented: rxkafka connects as use_all_dns_ips does (remove the property, or set it to use_all_dns_ips)');
  }
  throw propertyError(p, `must be use_all_dns_ips (rxkafka's behaviour; Java also has resolve_canonical_bootstrap_servers_only, which rxkafka does not implement), got '${value}'`);
}

/** The properties of the file at `path`, each with its line. */
export function readPropertiesFile(path: string): PropertySource[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new CliUsageError(`--producer.config: cannot read '${path}': ${osError(err)}`);
  }
  try {
    return parseJavaProperties(propertiesText(bytes)).map((e) => ({ name: e.key, value: e.value, origin: `${path}:${e.line}` }));
  } catch (err) {
    if (err instanceof PropertiesSyntaxError) throw new CliUsageError(`${path}:${err.line}: ${err.message}`);
    throw err;
  }
}

/** `-X name=value` arguments: the value is everything after the first '=', taken literally. */
export function xProperties(args: readonly string[]): PropertySource[] {
  return args.map((arg) => {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new CliUsageError(`-X takes name=value (a Java producer property, e.g. -X linger.ms=20), got '${arg}'`);
    return { name: arg.slice(0, eq), value: arg.slice(eq + 1), origin: '-X' };
  });
}

/** The producer options `sources` give, the last of each name winning. */
export function producerProperties(sources: readonly PropertySource[]): ProducerProperties {
  const last = new Map<string, PropertySource>();
  for (const p of sources) {
    last.delete(p.name); // so that the map's order is the order in which values took effect
    last.set(p.name, p);
  }
  const config: Record<string, unknown> = {};
  const labels: Record<string, string> = {};
  const security = new Map<string, PropertySource>();
  const ignored: string[] = [];
  for (const p of last.values()) {
    if (isSecurityProperty(p.name)) {
      security.set(p.name, p);
      continue;
    }
    if (p.name === '') throw new CliUsageError(`${p.origin}: a property without a name (a line such as '=value', or a lone '\\')`);
    if (p.name === 'client.dns.lookup') {
      checkDnsLookup(p);
      continue;
    }
    const otherClients = otherClientsProperty(p.name);
    if (otherClients !== undefined) {
      ignored.push(`${propertyLabel(p)} is ${otherClients}, not the producer's: ignored`);
      continue;
    }
    const spec = specFor(p.name);
    if (spec === undefined) throw propertyError(p, NOT_FOR_THE_CLI[p.name] ?? unknownOptionMessage(p.name, true));
    if (spec.alias !== p.name) {
      throw propertyError(
        p,
        spec.alias !== undefined
          ? `is rxkafka's name for the Java producer's '${spec.alias}': properties take Java names`
          : "has no Java producer name: properties take Java names; see the command's flags for rxkafka's own options",
      );
    }
    // Kafka's ConfigDef trims the values of these options ('linger.ms=10 ' is 10); a properties
    // file keeps a value's trailing blanks, which are easy to leave unseen.
    config[p.name] = p.value.trim();
    labels[p.name] = propertyLabel(p);
  }
  Object.assign(config, securityOptions(security));
  return { config, labels, ignored };
}

/** parseArgs options for `--producer.config FILE` and `-X name=value` (long form `--producer-property`, Kafka's console producer's name). */
export const PROPERTIES_FLAG_OPTIONS = {
  'producer.config': { type: 'string' as const },
  'producer-property': { type: 'string' as const, short: 'X', multiple: true },
};

/**
 * The producer config of `properties` with the command's `flags` over them: a flag wins over a
 * property of the same option, whatever its name (`--linger-ms` over `linger.ms`).
 */
export function withFlags(properties: ProducerProperties, flags: Record<string, unknown>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(properties.config)) {
    if (!Object.prototype.hasOwnProperty.call(flags, specFor(name)?.name ?? name)) config[name] = value;
  }
  return Object.assign(config, flags);
}

/**
 * `--producer.config FILE` then each `-X`, as producer options; empty when neither is given. The
 * properties meant for other clients are reported through `warn` (stderr), as Kafka's tools do.
 */
export function loadProducerProperties(
  file: string | undefined,
  x: readonly string[] | undefined,
  warn: (line: string) => void = (line) => process.stderr.write(`rxkafka: ${line}\n`),
): ProducerProperties {
  const properties = producerProperties([...(file === undefined ? [] : readPropertiesFile(file)), ...xProperties(x ?? [])]);
  for (const line of properties.ignored) warn(line);
  return properties;
}
