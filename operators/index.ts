/**
 * rxkafka — a Kafka producer whose interface is RxJS.
 *
 * @example
 * import { toKafka } from 'rxkafka';
 * records$.pipe(toKafka({ brokers: 'localhost:9092', topic: 'events' })).subscribe((ack) => …);
 */
export { toKafka } from './toKafka';
export { serialize } from './serialize';
export type { SerializeOptions } from './serialize';
export { partition } from './partition';
export { accumulate } from './accumulate';
export { send } from './send';
export type { SendOptions } from './send';
export { createProducer, Producer } from '../src/producer/Producer';
export type { RecordSource } from '../src/producer/Producer';
export type { ProducerConfig } from '../src/producer/config';
export type { SaslConfig, SslConfig } from '../src/producer/securityOptions';
export type { OauthBearerProvider, OauthBearerToken } from '../src/network/sasl/SaslOptions';
export type { ProducerBatch } from '../src/producer/ProducerBatch';
export type { Ack, FailedAck, ProducerRecord, RecordMetadata, SerializedRecord } from '../src/types';
export { serializers } from '../src/serde';
export type { Serializer } from '../src/serde/Serializer';
export type { Partitioner } from '../src/partitioners';
export * from '../src/errors';
