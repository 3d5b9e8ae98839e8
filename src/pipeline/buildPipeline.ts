import type { Observable, OperatorFunction } from 'rxjs';
import type { Ack, ProducerRecord, SerializedRecord } from '../types';
import { accumulateStage } from './accumulateStage';
import { ackStage } from './AckStage';
import { holdingStage } from './holdingStage';
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
    serializeAndPartition<K, V, M>(
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
    accumulateStage(host),
    ackStage<M>(host, c.stopOnError),
  );
}

/**
 * `serialize()` then `partition()`, as one operator: the serialize stage hands each record straight
 * to the partition stage, without an Observable between them (a Subscriber's next, its observer's
 * and the operator's, per record). What the pair holds, and when it completes, is what the two
 * operators in a row would hold and do: it completes once its source has and neither stage holds
 * a record; unsubscribed, both forget what they hold, serialize first.
 */
function serializeAndPartition<K, V, M>(
  options: SerializeStageOptions<K, V>,
  host: PipelineHost,
): OperatorFunction<ProducerRecord<K, V, M>, SerializedRecord<M>> {
  return holdingStage<ProducerRecord<K, V, M>, SerializedRecord<M>>((emit, onEmpty) => {
    // Either stage let its last held record go: the pair is empty only if the other holds none too.
    const onStageEmpty = (): void => {
      if (serialize.waitingCount === 0 && partition.waitingCount === 0) onEmpty();
    };
    const partition = new PartitionStage(host, emit as (record: SerializedRecord) => void, onStageEmpty);
    const serialize = createSerializeStage<K, V, M>(options, (record) => partition.push(record), onStageEmpty);
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
