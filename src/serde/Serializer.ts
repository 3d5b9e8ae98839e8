/**
 * Turns a key or value into the bytes sent to Kafka (Java's `Serializer.serialize(topic, data)`).
 * Return null for a null key/value. A serializer that throws fails only its record: the record's
 * ack carries a SerializationError and the other records go on.
 *
 * null and undefined keys and values never reach a serializer: they are sent as null, so that a
 * tombstone stays a tombstone whatever the serializer would make of null (JSON would make "null").
 *
 * @example
 * const avro: Serializer<Order> = (order, topic) => registry.encode(`${topic}-value`, order);
 */
export type Serializer<T> = (data: T, topic: string) => Buffer | null;
