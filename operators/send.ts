import { Observable, OperatorFunction, Subscription } from 'rxjs';
import { AckStage } from '../src/pipeline/AckStage';
import type { Producer } from '../src/producer/Producer';
import type { ProducerBatch } from '../src/accumulator/ProducerBatch';
import type { Ack } from '../src/types';

/** Options of the `send` stage. */
export interface SendOptions {
  /**
   * true (default, the producer's `stopOnError`): the first record that cannot be delivered ends
   * the ack stream with a RecordError, once the batches already sent have settled. false: a failed
   * record's ack carries `error` and the stream goes on.
   */
  stopOnError?: boolean;
}

/**
 * Hands batches to the producer's sender (per broker, at most `maxInFlight` requests outstanding)
 * and emits one ack per record — `{ topic, partition, offset, timestamp, meta }` — when its batch is
 * acknowledged. Completes when the source completes and every batch is done.
 *
 * @example
 * records$.pipe(serialize(), partition(producer), accumulate(producer), send(producer))
 *   .subscribe((ack) => checkpoint(ack.meta));
 */
export function send<M = unknown>(producer: Producer, options: SendOptions = {}): OperatorFunction<ProducerBatch, Ack<M>> {
  const stopOnError = options.stopOnError ?? producer.config.stopOnError;
  return (source) =>
    new Observable<Ack<M>>((subscriber) => {
      // The upstream subscription, cut when the stage stops on an error.
      let upstream: Subscription | null = null;
      let stopRequested = false;
      const stage = new AckStage<M>(producer, subscriber, stopOnError, () => {
        stopRequested = true;
        upstream?.unsubscribe();
      });
      upstream = source.subscribe({
        next: (batch) => stage.next(batch),
        error: (err) => stage.sourceError(err),
        complete: () => stage.complete(),
      });
      if (stopRequested) upstream.unsubscribe();
      return () => {
        upstream?.unsubscribe();
        stage.close();
      };
    });
}
