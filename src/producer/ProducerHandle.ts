import type { SchedulerLike } from 'rxjs';
import type { Producer } from './Producer';

/**
 * What an operator that owns its producer (`toKafka()`, `toKafkaTransactionally()`) shows of it:
 * the producer's metrics and the signals a source can pause on, but not `produce()` or `close()`,
 * which stay the operator's. The producer lives as long as the subscription that made it.
 *
 * @example
 * records$.pipe(toKafka(config, { onProducer: (p) => p.metrics$.subscribe((m) => log.info(m, 'producer')) }))
 */
export type ProducerHandle = Pick<Producer, 'metrics' | 'metrics$' | 'ready$' | 'bufferAvailable$' | 'connectionEvents$'>;

/** The second argument of `toKafka()` and `toKafkaTransactionally()` when it is not a scheduler. */
export interface ProducerOperatorOptions {
  /** Every timer and clock of the producer (default: asyncScheduler; a TestScheduler in tests). */
  scheduler?: SchedulerLike;
  /**
   * Called once per subscription, with the producer that subscription just created, before the
   * first record is read. A resubscription (`retry()`, `repeat()`, a second `subscribe()`) creates
   * a new producer and calls it again; the previous producer's `metrics$` has then completed
   * with its last snapshot, so a subscription to it ends by itself. If it throws, the producer is
   * closed and the stream errors with what it threw.
   */
  onProducer?: (producer: ProducerHandle) => void;
}

/** Options as given (a scheduler, options, or nothing), as options. */
export function operatorOptions(given: SchedulerLike | ProducerOperatorOptions | undefined): ProducerOperatorOptions {
  if (given === undefined) return {};
  return typeof (given as SchedulerLike).schedule === 'function' ? { scheduler: given as SchedulerLike } : (given as ProducerOperatorOptions);
}

/** Hands a new producer to `onProducer`; if that throws, closes the producer (without waiting) and rethrows. */
export function announceProducer(producer: Producer, options: ProducerOperatorOptions): void {
  if (options.onProducer === undefined) return;
  try {
    options.onProducer(producer);
  } catch (err) {
    void producer.close(0);
    throw err;
  }
}
