/**
 * rxkafka — a Kafka producer whose interface is RxJS.
 *
 * @example
 * import { toKafka } from 'rxkafka';
 * records$.pipe(toKafka({ brokers: 'localhost:9092', topic: 'events' })).subscribe((ack) => …);
 */
export { toKafka } from './toKafka';
export { toKafkaTransactionally } from './toKafkaTransactionally';
export { serialize } from './serialize';
export type { SerializeOptions } from './serialize';
export { partition } from './partition';
export { accumulate } from './accumulate';
export { send } from './send';
export type { SendOptions } from './send';
export { createProducer, Producer } from '../src/producer/Producer';
export type { RecordSource } from '../src/producer/Producer';
export type { ProducerConfig } from '../src/config/config';
export type { Pem, SaslConfig, SaslOauthBearerConfig, SaslPasswordConfig, SslConfig } from '../src/config/securityOptions';
export type { BufferPolicy, LogLevel } from '../src/config/configOptions';
export type { CompressionType } from '../src/compression/CompressionCodec';
export type { OauthBearerProvider, OauthBearerToken } from '../src/network/sasl/SaslOptions';
export type { ProducerBatch } from '../src/accumulator/ProducerBatch';
export type { TransactionResult } from '../src/transactions/sendTransactionally';
export type { ConsumerGroupMetadata, OffsetToCommit } from '../src/transactions/sendOffsets';
export type { TransactionState } from '../src/transactions/transactionState';
export type { Ack, AckMeta, FailedAck, MetaOf, ProducerRecord, RecordHeader, RecordMetadata, SerializedRecord } from '../src/types';
export type { ProducerHandle, ProducerOperatorOptions } from '../src/producer/ProducerHandle';
export { serializers } from '../src/serde';
export type { Serializer, SyncSerializer } from '../src/serde/Serializer';
export type { Partitioner } from '../src/partitioners';
export type { ProducerInterceptor } from '../src/types';
export type { ProducerMetricsSnapshot } from '../src/metrics/MetricsSnapshot';
export type { ConnectionEvent } from '../src/network/ConnectionEvent';
export { toPrometheus } from '../src/metrics/prometheus';
export type { PrometheusOptions } from '../src/metrics/prometheus';
export * from '../src/errors';
