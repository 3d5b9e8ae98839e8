// Misuses that strict TypeScript must refuse: test/types/types.test.ts compiles this file and
// expects exactly the errors named at the end of these lines (`// error TSnnnn`), no more, no fewer.
import { type Observable, of } from 'rxjs';
import { toKafka } from '../../../operators';

const config = { brokers: 'localhost:9092', topic: 'events' };

(of({ value: 'a' }) as Observable<{ value: string; meta?: number }>).pipe(toKafka(config)).subscribe((ack) => {
  const n: number = ack.meta; // error TS2322
  void n;
});
of({ value: 'a' }).pipe(toKafka(config)).subscribe((ack) => {
  const n: number = ack.meta; // error TS2322
  void n;
});
of({ value: 'a', meta: 1 }).pipe(toKafka(config)).subscribe((ack) => {
  const s: string = ack.meta; // error TS2322
  void s;
});
