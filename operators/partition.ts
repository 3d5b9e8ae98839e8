import type { OperatorFunction } from 'rxjs';
import { partitionStage } from '../src/pipeline/PartitionStage';
import type { Producer } from '../src/producer/Producer';
import type { SerializedRecord } from '../src/types';

/**
 * Chooses each record's partition: the record's own `partition`, else the producer's `partitioner`,
 * else `toPositive(murmur2(key)) % partitions` (the Java client's rule, byte for byte), else the
 * uniform sticky partition (KIP-794). Waits (in order, up to `maxBlockMs`) for a topic's metadata.
 *
 * @example
 * records$.pipe(serialize(), partition(producer), tap((r) => metrics.count(r.partition)), accumulate(producer), send(producer))
 */
export function partition<M>(producer: Producer): OperatorFunction<SerializedRecord<M>, SerializedRecord<M>> {
  return partitionStage<M>(producer.pipelineHost);
}
