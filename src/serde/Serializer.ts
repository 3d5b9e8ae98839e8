/**
 * Turns a key or value into the bytes sent to Kafka (Java's `Serializer.serialize(topic, data)`).
 * Return null for a null key/value. A serializer that throws fails only its record: the record's
 * ack carries a SerializationError and the other records go on.
 *
 * null and undefined keys and values never reach a serializer: they are sent as null, so that a
 * tombstone stays a tombstone whatever the serializer would make of null (JSON would make "null").
 *
 * A serializer may be async — return a Promise, as a schema-registry encoder that looks up or
 * registers a schema does. Records still reach Kafka in the order they were given: the `serialize`
 * stage lets up to MAX_PENDING_SERIALIZATIONS serializations run at once and emits their results in
 * order. A rejected Promise fails its record as a throw does.
 *
 * @example
 * const avro: Serializer<Order> = (order, topic) => registry.encode(`${topic}-value`, order); // may return a Promise
 */
export type Serializer<T> = (data: T, topic: string) => Buffer | null | PromiseLike<Buffer | null>;

/** A serializer that always answers at once, as the built-ins do. */
export type SyncSerializer<T> = (data: T, topic: string) => Buffer | null;
