import { Observable, OperatorFunction } from 'rxjs';
import type { ProducerBatch } from '../accumulator/ProducerBatch';
import { RecordAccumulator, type Backlog } from '../accumulator/RecordAccumulator';
import type { SerializedRecord } from '../types';
import type { PipelineHost } from './PipelineHost';

/** What the accumulate stage takes from its producer. */
export type AccumulateStageHost = Pick<PipelineHost, 'config' | 'pool' | 'time' | 'backlog' | 'batches'>;

/**
 * The accumulate stage as an operator: one RecordAccumulator per subscription, registered with the
 * producer while it lives (so that flush() and close() reach its open batches), emitting batches
 * as they close. It completes once its source has and no record waits for memory; then its open
 * batches go, as on flush.
 */
export function accumulateStage(host: AccumulateStageHost): OperatorFunction<SerializedRecord, ProducerBatch> {
  // The accumulator's view of the producer: records waiting for memory count in the backlog; a
  // flush in progress cuts linger short; a partition busy in the sender keeps its batch open.
  const backlog: Backlog = {
    add: (n) => host.backlog.add(n),
    get flushing() {
      return host.batches.flushing;
    },
    partitionBusy: (topic, partition) => host.batches.partitionBusy(topic, partition),
  };
  return (source) =>
    new Observable<ProducerBatch>((subscriber) => {
      let sourceDone = false;
      const finish = (): void => {
        if (!sourceDone || acc.waitingCount > 0) return;
        acc.flush();
        unregister();
        subscriber.complete();
      };
      const acc = new RecordAccumulator(host.config, host.pool, host.time, backlog, (batch) => subscriber.next(batch), finish);
      const unregister = host.batches.register(acc);
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
