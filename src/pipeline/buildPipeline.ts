import type { Observable } from 'rxjs';
import type { Ack, ProducerRecord } from '../types';
import { accumulateStage } from './accumulateStage';
import { ackStage } from './AckStage';
import { partitionStage } from './PartitionStage';
import type { PipelineHost } from './PipelineHost';
import { serializeStage } from './SerializeStage';

/**
 * The whole chain behind `produce()` and `toKafka()`: serialize → partition → accumulate → send,
 * the same stages the public operators wrap, on one producer's host.
 */
export function buildPipeline<K, V, M>(records$: Observable<ProducerRecord<K, V, M>>, host: PipelineHost): Observable<Ack<M>> {
  const c = host.config;
  return records$.pipe(
    serializeStage<K, V, M>({
      topic: c.topic,
      key: c.serializers.key as never,
      value: c.serializers.value as never,
      scheduler: host.time.scheduler,
      backlog: host.backlog,
      interceptors: host.interceptors,
    }),
    partitionStage<M>(host),
    accumulateStage(host),
    ackStage<M>(host, c.stopOnError),
  );
}
