import { defer, finalize, Observable, OperatorFunction, SchedulerLike } from 'rxjs';
import { ConfigError } from '../src/errors';
import { ProducerConfig, resolveConfig } from '../src/config/config';
import { Producer, type RecordSource } from '../src/producer/Producer';
import { announceProducer, operatorOptions, type ProducerOperatorOptions } from '../src/producer/ProducerHandle';
import type { TransactionResult } from '../src/transactions/sendTransactionally';
import type { AckMeta, ProducerRecord } from '../src/types';

/**
 * Exactly-once producing as one operator: a stream of record streams in, one transaction per
 * inner stream (committed when it completes, aborted when it errors), one TransactionResult out
 * per committed transaction. Creates a transactional producer per subscription (validating
 * `config` at once; `transactionalId` is required), and closes it when the stream ends. See
 * `Producer.sendTransactionally`. The second argument is a scheduler or options, as for `toKafka()`
 * (`onProducer` for the metrics).
 *
 * @example
 * batches$ // Observable<Observable<ProducerRecord>>, e.g. windowCount(100) of a record stream
 *   .pipe(toKafkaTransactionally({ brokers: 'localhost:9092', topic: 'orders', transactionalId: 'orders-etl' }))
 *   .subscribe(({ transaction, acks }) => log.info({ transaction, records: acks.length }, 'transaction committed'));
 */
export function toKafkaTransactionally<K = unknown, V = unknown, M = unknown, R extends ProducerRecord<K, V, M> = ProducerRecord<K, V, M>>(
  config: ProducerConfig,
  schedulerOrOptions?: SchedulerLike | ProducerOperatorOptions,
): OperatorFunction<RecordSource<R>, TransactionResult<AckMeta<M, R>>> {
  const resolved = resolveConfig(config);
  if (resolved.transactionalId === null) {
    throw new ConfigError('transactionalId', 'is required by toKafkaTransactionally: a name for this producer, stable across its restarts');
  }
  const options = operatorOptions(schedulerOrOptions);
  return (source: Observable<RecordSource<R>>) =>
    defer(() => {
      const producer = new Producer(resolved, options.scheduler);
      announceProducer(producer, options);
      // Normally nothing is left at the end; unsubscribed mid-transaction, close() aborts it (up to maxBlockMs).
      return producer.sendTransactionally<K, V, M, R>(source).pipe(finalize(() => void producer.close(resolved.maxBlockMs)));
    });
}
