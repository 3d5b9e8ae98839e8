import type { Observable, OperatorFunction } from 'rxjs';
import type { ProducerBatch } from '../accumulator/ProducerBatch';
import type { Ack, ProducerRecord } from '../types';
import { accumulatingStage } from './accumulateStage';
import { ackStage } from './AckStage';
import { PartitionStage } from './PartitionStage';
import type { PipelineHost } from './PipelineHost';
import { createSerializeStage, type SerializeStageOptions } from './SerializeStage';

/**
 * The whole chain behind `produce()` and `toKafka()`: serialize → partition → accumulate → send,
 * the same stages the public operators wrap, on one producer's host.
 */
export function buildPipeline<K, V, M>(records$: Observable<ProducerRecord<K, V, M>>, host: PipelineHost): Observable<Ack<M>> {
  const c = host.config;
  return records$.pipe(
    serializePartitionAccumulate<K, V, M>(
      {
        topic: c.topic,
        key: c.serializers.key as never,
        value: c.serializers.value as never,
        time: host.time,
        backlog: host.backlog,
        interceptors: host.interceptors,
      },
      host,
    ),
    ackStage<M>(host, c.stopOnError),
  );
}

/**
 * `serialize()`, `partition()` and `accumulate()` as one operator: each stage hands a record
 * straight to the next, without an Observable between them (a Subscriber's next, its observer's
 * and the operator's, per record and per hop). What it holds, and when it completes, is what the
 * three operators in a row would hold and do (`accumulatingStage`).
 */
function serializePartitionAccumulate<K, V, M>(
  options: SerializeStageOptions<K, V>,
  host: PipelineHost,
): OperatorFunction<ProducerRecord<K, V, M>, ProducerBatch> {
  return accumulatingStage<ProducerRecord<K, V, M>>(host, (append, onEmpty) => {
    const partition = new PartitionStage(host, append, onEmpty);
    const serialize = createSerializeStage<K, V, M>(options, (record) => partition.push(record), onEmpty);
    return {
      push: serialize.push,
      get waitingCount() {
        return serialize.waitingCount + partition.waitingCount;
      },
      dispose: () => {
        serialize.dispose();
        partition.dispose();
      },
    };
  });
}
