import { defer, finalize, Observable, OperatorFunction, SchedulerLike } from 'rxjs';
import { ProducerConfig, resolveConfig } from '../src/config/config';
import { Producer } from '../src/producer/Producer';
import type { Ack, ProducerRecord } from '../src/types';

/**
 * The whole producer as one operator: records in, one ack per record out. Creates a producer per
 * subscription (validating `config` at once), and closes it when the stream ends.
 *
 * Shutting down: complete the source (`takeUntil(shutdown$)` before this operator) and every
 * record taken is sent at once and gets its ack before the output completes. Unsubscribing
 * instead closes the producer without waiting (`close(0)`): the acks of records in flight are lost.
 *
 * @example
 * records$.pipe(toKafka({ brokers: 'localhost:9092', topic: 'events' }))
 *   .subscribe({ next: (ack) => checkpoint(ack.meta), error: (err) => alert(err.message) });
 */
export function toKafka<K = unknown, V = unknown, M = unknown>(
  config: ProducerConfig,
  scheduler?: SchedulerLike,
): OperatorFunction<ProducerRecord<K, V, M>, Ack<M>> {
  // Validate now, so a bad option throws where toKafka() is called, before anything connects.
  const resolved = resolveConfig(config);
  return (source: Observable<ProducerRecord<K, V, M>>) =>
    defer(() => {
      const producer = new Producer(resolved, scheduler);
      return producer.produce<K, V, M>(source).pipe(finalize(() => void producer.close(0)));
    });
}
