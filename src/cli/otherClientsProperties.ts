/**
 * Properties a shared `client.properties` carries for the other clients of the same cluster — the
 * consumer, Confluent's Schema Registry serializers — beside the producer's. Kafka's console
 * producer and librdkafka (kcat -X) take such a file and warn that those names are not theirs;
 * rxkafka does the same: a warning naming the property and its line, never its value (Schema
 * Registry credentials are secrets), and the property is ignored. A name that belongs to no
 * client stays an error (src/config/unknownOptions.ts).
 */

/** ConsumerConfig's own names (those it shares with the producer are producer options here). */
const CONSUMER_NAMES = new Set([
  'group.id', 'group.instance.id', 'group.protocol', 'group.remote.assignor', 'session.timeout.ms', 'heartbeat.interval.ms',
  'partition.assignment.strategy', 'auto.offset.reset', 'enable.auto.commit', 'auto.commit.interval.ms', 'fetch.min.bytes',
  'fetch.max.bytes', 'fetch.max.wait.ms', 'max.partition.fetch.bytes', 'max.poll.records', 'max.poll.interval.ms',
  'isolation.level', 'check.crcs', 'exclude.internal.topics', 'allow.auto.create.topics', 'client.rack', 'key.deserializer',
  'value.deserializer', 'default.api.timeout.ms',
]);

/** Confluent's Schema Registry client and serializers (kafka-schema-registry-client, KafkaAvroSerializer). */
const SCHEMA_REGISTRY_NAMES = new Set(['auto.register.schemas', 'use.latest.version', 'key.subject.name.strategy', 'value.subject.name.strategy']);
const SCHEMA_REGISTRY_PREFIXES = ['schema.registry.', 'basic.auth.', 'bearer.auth.'];

/** "a consumer property" / "a Schema Registry property" when `name` is one, else undefined. */
export function otherClientsProperty(name: string): string | undefined {
  if (CONSUMER_NAMES.has(name)) return 'a consumer property';
  if (SCHEMA_REGISTRY_NAMES.has(name) || SCHEMA_REGISTRY_PREFIXES.some((prefix) => name.startsWith(prefix))) return 'a Schema Registry property';
  return undefined;
}
