import { Observable, OperatorFunction } from 'rxjs';
import type { Producer } from '../src/producer/Producer';
import { PartitionStage } from '../src/producer/PartitionStage';
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
  return (source) =>
    new Observable<SerializedRecord<M>>((subscriber) => {
      // Source completion waits for records still waiting on metadata.
      let sourceDone = false;
      const stage = new PartitionStage(
        producer,
        (record) => subscriber.next(record as SerializedRecord<M>),
        () => {
          if (sourceDone) subscriber.complete();
        },
      );
      const subscription = source.subscribe({
        next: (record) => stage.push(record),
        error: (err) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          if (stage.waitingCount === 0) subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        stage.dispose();
      };
    });
}
