// toKafka()'s producer, reached through onProducer: metrics and the signals a source pauses on,
// but neither produce() nor close(), which stay the operator's.
import { asyncScheduler, of, type Observable } from 'rxjs';
import { toKafka, type ProducerHandle, type ProducerMetricsSnapshot } from '../../../operators';
import { assertType, type Equal } from '../equal';

const config = { brokers: 'localhost:9092', topic: 'events' };

of({ value: 'a' }).pipe(
  toKafka(config, {
    scheduler: asyncScheduler,
    onProducer: (producer) => {
      assertType<Equal<typeof producer, ProducerHandle>>(true);
      const metrics$: Observable<ProducerMetricsSnapshot> = producer.metrics$;
      const now: ProducerMetricsSnapshot = producer.metrics();
      const ready$: Observable<boolean> = producer.ready$;
      const free$: Observable<number> = producer.bufferAvailable$;
      // @ts-expect-error closing is the operator's: it closes the producer when the stream ends
      void producer.close();
      // @ts-expect-error records go through the operator, not around it
      producer.produce(of({ value: 'b' }));
      void metrics$, now, ready$, free$;
    },
  }),
);

// A scheduler alone is still accepted as the second argument.
of({ value: 'a' }).pipe(toKafka(config, asyncScheduler));
// @ts-expect-error an unknown option is refused
of({ value: 'a' }).pipe(toKafka(config, { onMetrics: () => undefined }));
