// serialize() in marbles: records leave in the order they came — an async serializer's result
// (a Promise settled at a marble frame) holds the records behind it; a failing serializer fails
// only its record; errors pass through; completion waits for records still being serialized.
import { firstValueFrom, map, type Observable } from 'rxjs';
import { serialize } from '../../operators/serialize';
import type { ProducerRecord, SerializedRecord } from '../../src/types';
import { marbleScheduler, runAsync } from '../support/marbles';

/** A serialized record as a marble value: `meta=value@timestamp`, or `meta!ErrorName`. */
const summary = (r: SerializedRecord<string>): string => (r.error === null ? `${r.meta}=${r.value}@${r.timestamp}` : `${r.meta}!${r.error.name}`);

type In = ProducerRecord<unknown, string, string>;
const rec = (value: string, extra: Partial<In> = {}): In => ({ value, meta: value, ...extra });

describe('serialize', () => {
  it('serializes each record as it comes; a record without a timestamp gets the scheduler time', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const records = cold<In>('a-b-c|', { a: rec('a'), b: rec('b', { timestamp: 42 }), c: rec('c') });
      const out = records.pipe(serialize<unknown, string, string>({ topic: 't', value: (v) => Buffer.from(v.toUpperCase()), scheduler }), map(summary));
      expectObservable(out).toBe('a-b-c|', { a: 'a=A@0', b: 'b=B@42', c: 'c=C@4' });
    });
  });

  it('passes the source error on', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const failure = new Error('source failed');
      const out = cold<In>('a-#', { a: rec('a') }, failure).pipe(serialize<unknown, string, string>({ topic: 't', scheduler }), map(summary));
      expectObservable(out).toBe('a-#', { a: 'a=a@0' }, failure);
    });
  });

  it('a serializer that throws fails its record only: the record goes on carrying a SerializationError', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const value = (v: string): Buffer => {
        if (v === 'bad') throw new Error('cannot encode');
        return Buffer.from(v);
      };
      const out = cold<In>('a-b-c|', { a: rec('a'), b: rec('bad'), c: rec('c') }).pipe(serialize<unknown, string, string>({ topic: 't', value, scheduler }), map(summary));
      expectObservable(out).toBe('a-b-c|', { a: 'a=a@0', b: 'bad!SerializationError', c: 'c=c@4' });
    });
  });

  it('async serializers: records leave in arrival order, each once those before it are done; completion waits for them', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, expectObservable }) => {
      // How long each value's serializer takes, as a marble: 'a' 5 frames, 'b' none (sync), 'd' 2 frames.
      const answers: Record<string, Observable<Buffer> | undefined> = {
        a: cold('-----(x|)', { x: Buffer.from('A') }),
        d: cold('--(x|)', { x: Buffer.from('D') }),
      };
      const value = (v: string) => {
        const answer = answers[v];
        return answer === undefined ? Buffer.from(v.toUpperCase()) : firstValueFrom(answer);
      };
      // a at 0 (ready at 5), b at 1 (ready at once, waits for a), d at 7 (ready at 9); the source completes at 8.
      const records = cold<In>('ab-----d|', { a: rec('a'), b: rec('b'), d: rec('d') });
      const out = records.pipe(serialize<unknown, string, string>({ topic: 't', value, scheduler }), map(summary));
      expectObservable(out).toBe('-----(ab)(d|)', { a: 'a=A@0', b: 'b=B@1', d: 'd=D@7' });
    });
  });

  it('an async serializer that rejects fails its record only, in its place in the order', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, expectObservable }) => {
      const value = (v: string) =>
        firstValueFrom(cold<Buffer>('---#', undefined, new Error('registry down'))).catch((err: Error) => {
          if (v === 'bad') throw err;
          return Buffer.from(v);
        });
      const records = cold<In>('a-b-c|', { a: rec('a'), b: rec('bad'), c: rec('c') });
      const out = records.pipe(serialize<unknown, string, string>({ topic: 't', value, scheduler }), map(summary));
      expectObservable(out).toBe('---a-b-(c|)', { a: 'a=a@0', b: 'bad!SerializationError', c: 'c=c@4' });
    });
  });

  it('unsubscribed while serializers are pending, it emits nothing more', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, expectObservable }) => {
      const value = (v: string) => firstValueFrom(cold('----(x|)', { x: Buffer.from(v) }));
      const records = cold<In>('ab|', { a: rec('a'), b: rec('b') });
      const out = records.pipe(serialize<unknown, string, string>({ topic: 't', value, scheduler }), map(summary));
      expectObservable(out, '^---!').toBe('-----');
    });
  });
});
