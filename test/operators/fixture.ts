/**
 * What the operators' marble tests share: a producer on the test's scheduler whose cluster is a
 * FakeCluster (every topic known with `partitions` partitions unless the test says otherwise),
 * records as the stages pass them, and batches and acks summarised as marble values.
 */
import type { SchedulerLike } from 'rxjs';
import type { ProducerBatch } from '../../src/accumulator/ProducerBatch';
import type { ProducerConfig } from '../../src/config/config';
import { Producer } from '../../src/producer/Producer';
import type { Ack, SerializedRecord } from '../../src/types';
import { FakeCluster, onProducer } from '../support/fakeCluster';

/** A producer driven by `scheduler` (the TestScheduler), on a fake cluster. */
export function producerOn(scheduler: SchedulerLike, config: Partial<ProducerConfig> = {}, partitions: number | null = 2) {
  const producer = new Producer({ brokers: 'fake:9092', topic: 't', idempotence: false, acks: 1, ...config } as ProducerConfig, scheduler);
  const cluster = new FakeCluster(scheduler);
  cluster.everyTopic = partitions;
  onProducer(producer, cluster);
  return { producer, cluster };
}

/** A serialized record of topic `t` (partition -1: not chosen yet); its meta is its value. */
export function serialized(value: string, partition = -1, topic = 't'): SerializedRecord<string> {
  return { topic, partition, key: null, value: Buffer.from(value), headers: null, timestamp: 0, meta: value, error: null };
}

/** A batch as a marble value: `partition:meta,meta` (`!ErrorName` when it failed). */
export function batchSummary(batch: ProducerBatch): string {
  return `${batch.partition}:${batch.metas.join(',')}${batch.error === null ? '' : `!${batch.error.name}`}`;
}

/** An ack as a marble value: `partition@offset:meta`, or `partition!ErrorName:meta` when it failed. */
export function ackSummary(ack: Ack<string>): string {
  return ack.error === undefined ? `${ack.partition}@${ack.offset}:${ack.meta}` : `${ack.partition}!${ack.error.name}:${ack.meta}`;
}
