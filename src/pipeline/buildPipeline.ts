import type { Observable } from 'rxjs';
import { accumulate } from '../../operators/accumulate';
import { partition } from '../../operators/partition';
import { send } from '../../operators/send';
import { serialize } from '../../operators/serialize';
import type { Ack, ProducerRecord } from '../types';
import type { Producer } from '../producer/Producer';

/** The full chain of public stages, as `produce()` and `toKafka()` use it. */
export function buildPipeline<K, V, M>(records$: Observable<ProducerRecord<K, V, M>>, producer: Producer): Observable<Ack<M>> {
  const c = producer.config;
  return records$.pipe(
    serialize<K, V, M>({ topic: c.topic, key: c.serializers.key as never, value: c.serializers.value as never, scheduler: producer.scheduler, producer }),
    partition<M>(producer),
    accumulate(producer),
    send<M>(producer),
  );
}
