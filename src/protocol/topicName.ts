/** Kafka's longest topic name (Topic.MAX_NAME_LENGTH): the broker refuses anything longer. */
export const MAX_TOPIC_NAME_LENGTH = 249;

const LEGAL_CHARACTERS = /^[a-zA-Z0-9._-]+$/;

/** What a valid name looks like, for error messages. */
export const TOPIC_NAME_RULES = "1 to 249 characters from a-z, A-Z, 0-9, '.', '_', '-' (not '.' or '..')";

/**
 * Kafka's topic name rules (`org.apache.kafka.common.internals.Topic.validate`), checked before a
 * name is sent: a broker answers an invalid one with INVALID_TOPIC_EXCEPTION only after a round
 * trip, and librdkafka's mock does not check at all.
 */
export function isValidTopicName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= MAX_TOPIC_NAME_LENGTH &&
    name !== '.' &&
    name !== '..' &&
    LEGAL_CHARACTERS.test(name)
  );
}
