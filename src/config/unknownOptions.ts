import { OPTIONS, specFor } from './configOptions';

/**
 * What to tell a user who gave an option rxkafka does not know: a Java option that has another
 * shape here, one rxkafka does not implement, or a misspelling, with the closest name.
 */

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

/**
 * "unknown option; did you mean 'lingerMs'?" — the closest known name, in the user's style:
 * `javaStyle` (a dotted name, or a properties file) suggests Java names.
 */
export function unknownOptionMessage(name: string, javaStyle = name.includes('.')): string {
  if (Object.prototype.hasOwnProperty.call(RENAMED, name)) return `is not a producer option; did you mean '${RENAMED[name]}'?`;
  const equivalent = JAVA_EQUIVALENTS[name];
  if (equivalent !== undefined) return `is not an rxkafka option: ${equivalent}`;
  const unsupported = unsupportedJavaOption(name);
  if (unsupported !== undefined) return unsupported === NOT_IMPLEMENTED ? unsupported : `is not supported: ${unsupported}`;
  const suggestion = closestOption(name, javaStyle);
  return suggestion !== undefined
    ? `is not a producer option; did you mean '${suggestion}'?`
    : 'is not a producer option; see ProducerConfig for the options rxkafka knows';
}

function closestOption(name: string, javaStyle: boolean): string | undefined {
  const closest = closestName(name, OPTIONS.flatMap((spec) => (spec.alias !== undefined ? [spec.name, spec.alias] : [spec.name])));
  if (closest === undefined) return undefined;
  const spec = specFor(closest)!;
  return javaStyle && spec.alias !== undefined ? spec.alias : spec.name;
}

/**
 * The candidate `name` is most likely a misspelling of, if any: the first of the closest, and up
 * to a third of the name may differ ('lingerMS', 'linger_ms', 'batchsize', 'bootstrap.server').
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = normalize(name);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(wanted, normalize(candidate));
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  if (best === undefined || bestDistance > Math.max(2, Math.floor(wanted.length / 3))) return undefined;
  return best;
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
