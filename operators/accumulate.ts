import { Observable, OperatorFunction } from 'rxjs';
import type { Producer } from '../src/producer/Producer';
import type { ProducerBatch } from '../src/accumulator/ProducerBatch';
import { RecordAccumulator } from '../src/accumulator/RecordAccumulator';
import type { SerializedRecord } from '../src/types';

/**
 * Appends partitioned records to per-partition batches (`batchSize`, `lingerMs`) in the producer's
 * `bufferMemory`, and emits each batch when it is full, has lingered, or the stream ends.
 * When the memory is taken, records wait (in order) according to `bufferPolicy`.
 *
 * @example
 * records$.pipe(serialize(), partition(producer), accumulate(producer), send(producer))
 */
export function accumulate(producer: Producer): OperatorFunction<SerializedRecord, ProducerBatch> {
  return (source) =>
    new Observable<ProducerBatch>((subscriber) => {
      // The source completed; we complete once no record waits for memory.
      let sourceDone = false;
      const finish = (): void => {
        if (!sourceDone || acc.waitingCount > 0) return;
        acc.flush();
        unregister();
        subscriber.complete();
      };
      const acc = new RecordAccumulator(
        producer.config,
        producer.pool,
        producer.scheduler,
        producer.backlog,
        (batch) => subscriber.next(batch),
        finish,
      );
      const unregister = producer.registerAccumulator(acc);
      const subscription = source.subscribe({
        next: (record) => acc.append(record),
        error: (err) => {
          acc.flush();
          unregister();
          subscriber.error(err);
        },
        complete: () => {
          sourceDone = true;
          finish();
        },
      });
      return () => {
        subscription.unsubscribe();
        acc.dispose();
        unregister();
      };
    });
}
