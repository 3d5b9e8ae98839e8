// What strict code sees of `meta` on acks: exactly what the records carry. Compiled by
// test/types/types.test.ts (tsc --strict); every @ts-expect-error line must be an error, so a
// looser type (meta widened to `| undefined`, or to any) fails the compile too.
import { from, type Observable, type ObservedValueOf, of } from 'rxjs';
import {
  createProducer,
  serialize,
  toKafka,
  toKafkaTransactionally,
  type Ack,
  type MetaOf,
  type ProducerRecord,
  type SerializedRecord,
  type TransactionResult,
} from '../../../operators';
import { assertType, type Equal } from '../equal';

const config = { brokers: 'localhost:9092', topic: 'events' };

// Every record carries meta: number → acks with meta: number, no assertion needed.
const required$ = from([{ value: 'a', meta: 1 }, { value: 'b', meta: 2 }]);
const requiredAcks$ = required$.pipe(toKafka(config));
assertType<Equal<ObservedValueOf<typeof requiredAcks$>, Ack<number>>>(true);
requiredAcks$.subscribe((ack) => {
  const offset: number = ack.meta;
  if (ack.error === undefined) {
    const checkpoint: { partition: number; offset: bigint; meta: number } = ack;
    void checkpoint;
  }
  // @ts-expect-error meta is a number, not a string
  const wrong: string = ack.meta;
  void offset, wrong;
});

// Records whose meta is optional → meta: number | undefined: strict code must handle undefined.
const optional$: Observable<{ value: string; meta?: number }> = of({ value: 'a' }, { value: 'b', meta: 2 });
const optionalAcks$ = optional$.pipe(toKafka(config));
assertType<Equal<ObservedValueOf<typeof optionalAcks$>, Ack<number | undefined>>>(true);
optionalAcks$.subscribe((ack) => {
  // @ts-expect-error meta may be undefined: a record may have none
  const n: number = ack.meta;
  const m: number | undefined = ack.meta;
  void n, m;
});

// The library's own record type has `meta?: M`: its acks say M | undefined, as its records may lack it.
const typed$: Observable<ProducerRecord<string, string, number>> = of({ value: 'a', meta: 1 });
const typedAcks$ = typed$.pipe(toKafka(config));
assertType<Equal<ObservedValueOf<typeof typedAcks$>, Ack<number | undefined>>>(true);

// Records without meta → meta: undefined.
const bare$ = of({ value: 'a' }, { key: 'k', value: 'b' });
const bareAcks$ = bare$.pipe(toKafka(config));
assertType<Equal<ObservedValueOf<typeof bareAcks$>, Ack<undefined>>>(true);
bareAcks$.subscribe((ack) => {
  // @ts-expect-error there is no meta to read a number from
  const n: number = ack.meta;
  void n;
});

// A mix of record types → the union of their metas.
const mixed$: Observable<{ value: string; meta: number } | { value: string; meta: string }> = of({ value: 'a', meta: 1 });
const mixedAcks$ = mixed$.pipe(toKafka(config));
assertType<Equal<ObservedValueOf<typeof mixedAcks$>, Ack<number | string>>>(true);

// Type arguments given by hand state the meta of every record: acks get exactly that.
const explicitAcks$ = typed$.pipe(toKafka<string, string, number>(config));
assertType<Equal<ObservedValueOf<typeof explicitAcks$>, Ack<number>>>(true);
// @ts-expect-error records whose meta is a string do not fit toKafka<K, V, number>
of({ value: 'a', meta: 'x' }).pipe(toKafka<string, string, number>(config));

// produce(): the same from an array (a pulled source) and from an observable.
const producer = createProducer(config);
const pulled$ = producer.produce([{ value: 'a', meta: { row: 1 } }]);
assertType<Equal<ObservedValueOf<typeof pulled$>, Ack<{ row: number }>>>(true);
const pushedBare$ = producer.produce(of({ value: 'a' }));
assertType<Equal<ObservedValueOf<typeof pushedBare$>, Ack<undefined>>>(true);

// serialize(): the SerializedRecord carries the same meta type.
const serialized$ = required$.pipe(serialize());
assertType<Equal<ObservedValueOf<typeof serialized$>, SerializedRecord<number>>>(true);

// toKafkaTransactionally(): each TransactionResult's acks too.
const txConfig = { ...config, transactionalId: 'etl' };
const results$ = of(required$).pipe(toKafkaTransactionally(txConfig));
assertType<Equal<ObservedValueOf<typeof results$>, TransactionResult<number>>>(true);

// MetaOf on its own.
assertType<Equal<MetaOf<{ value: string; meta: Date }>, Date>>(true);
assertType<Equal<MetaOf<{ value: string; meta?: Date }>, Date | undefined>>(true);
assertType<Equal<MetaOf<{ value: string }>, undefined>>(true);
// @ts-expect-error a required meta is not widened with undefined
assertType<Equal<MetaOf<{ value: string; meta: Date }>, Date | undefined>>(true);
