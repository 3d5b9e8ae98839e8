import { Observable, OperatorFunction } from 'rxjs';
import type { ProducerBatch } from '../accumulator/ProducerBatch';
import { RecordAccumulator, type Backlog } from '../accumulator/RecordAccumulator';
import type { SerializedRecord } from '../types';
import type { HoldingStage } from './holdingStage';
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
  return accumulatingStage(host, (append) => ({ push: append, waitingCount: 0, dispose: () => {} }));
}

/**
 * An accumulator behind `upstream`, a stage that hands it records (straight through: no Observable
 * in between), as one operator. It completes once its source has, `upstream` holds nothing and no
 * record waits for memory (its open batches then go, as on flush); on a source error its open
 * batches go before the error; unsubscribed, `upstream` forgets what it holds and the open
 * batches' memory returns.
 */
export function accumulatingStage<I>(
  host: AccumulateStageHost,
  upstream: (append: (record: SerializedRecord) => void, onEmpty: () => void) => HoldingStage<I>,
): OperatorFunction<I, ProducerBatch> {
  return (source) =>
    new Observable<ProducerBatch>((subscriber) => {
      let sourceDone = false;
      // Called whenever a stage lets its last held record go: done only if the others hold none.
      const finish = (): void => {
        if (!sourceDone || stage.waitingCount > 0 || acc.waitingCount > 0) return;
        acc.flush();
        unregister();
        subscriber.complete();
      };
      const acc = new RecordAccumulator(host.config, host.pool, host.time, accumulatorBacklog(host), (batch) => subscriber.next(batch), finish);
      const unregister = host.batches.register(acc);
      const stage = upstream((record) => acc.append(record), finish);
      const subscription = source.subscribe({
        next: (input) => stage.push(input),
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
        stage.dispose();
        acc.dispose();
        unregister();
      };
    });
}

/**
 * The accumulator's view of the producer: records waiting for memory count in the backlog; a
 * flush in progress cuts linger short; a partition busy in the sender keeps its batch open; an
 * idle one's new batch need not linger.
 */
function accumulatorBacklog(host: AccumulateStageHost): Backlog {
  return {
    add: (n) => host.backlog.add(n),
    get flushing() {
      return host.batches.flushing;
    },
    partitionBusy: (topic, partition) => host.batches.partitionBusy(topic, partition),
    partitionIdle: (topic, partition) => host.batches.partitionIdle(topic, partition),
  };
}
