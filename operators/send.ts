import type { OperatorFunction } from 'rxjs';
import type { ProducerBatch } from '../src/accumulator/ProducerBatch';
import { ackStage } from '../src/pipeline/AckStage';
import type { Producer } from '../src/producer/Producer';
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
  return ackStage<M>(producer.pipelineHost, options.stopOnError ?? producer.config.stopOnError);
}
