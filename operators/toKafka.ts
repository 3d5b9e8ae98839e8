import { defer, finalize, Observable, OperatorFunction, SchedulerLike } from 'rxjs';
import { ProducerConfig, resolveConfig } from '../src/config/config';
import { Producer } from '../src/producer/Producer';
import { announceProducer, operatorOptions, type ProducerOperatorOptions } from '../src/producer/ProducerHandle';
import type { Ack, AckMeta, ProducerRecord } from '../src/types';

/**
 * The whole producer as one operator: records in, one ack per record out. Creates a producer per
 * subscription (validating `config` at once), and closes it when the stream ends.
 *
 * The second argument is a scheduler, or options: `{ scheduler, onProducer }`. `onProducer` gets
 * each subscription's producer as it is created, for its `metrics$`, `metrics()`, `ready$`,
 * `bufferAvailable$` and `connectionEvents$`; a resubscription makes a new producer and calls it again.
 *
 * The acks' `meta` is typed as the records give it (see `MetaOf`): records that all carry
 * `meta: number` give acks with `meta: number`.
 *
 * Shutting down: complete the source (`takeUntil(shutdown$)` before this operator) and every
 * record taken is sent at once and gets its ack before the output completes. Unsubscribing
 * instead closes the producer without waiting (`close(0)`): the acks of records in flight are lost.
 *
 * @example
 * records$.pipe(toKafka({ brokers: 'localhost:9092', topic: 'events' }, {
 *   onProducer: (producer) => producer.metrics$.subscribe((m) => log.info({ recordsPerSec: m.recordSendRate }, 'producer')),
 * })).subscribe({ next: (ack) => checkpoint(ack.meta), error: (err) => alert(err.message) });
 */
export function toKafka<K = unknown, V = unknown, M = unknown, R extends ProducerRecord<K, V, M> = ProducerRecord<K, V, M>>(
  config: ProducerConfig,
  schedulerOrOptions?: SchedulerLike | ProducerOperatorOptions,
): OperatorFunction<R, Ack<AckMeta<M, R>>> {
  // Validate now, so a bad option throws where toKafka() is called, before anything connects.
  const resolved = resolveConfig(config);
  const options = operatorOptions(schedulerOrOptions);
  return (source: Observable<R>) =>
    defer(() => {
      const producer = new Producer(resolved, options.scheduler);
      announceProducer(producer, options);
      return producer.produce<K, V, M, R>(source).pipe(finalize(() => void producer.close(0)));
    });
}
