import { Observable } from 'rxjs';

/** Anything `produce()` accepts: a pushed Observable, or a pulled source read only while there is room. */
export type RecordSource<R> = Observable<R> | AsyncIterable<R> | Iterable<R> | NodeJS.ReadableStream;

/** What a pulled source asks of the producer before it takes the next record. */
export interface PullGate {
  /** True while the pipeline holds no record back (memory free, metadata known). */
  hasRoom(): boolean;
  /** Resolves when `hasRoom()` may have become true. */
  whenRoom(): Promise<void>;
}

/**
 * A pulled source (Iterable, AsyncIterable, Node Readable, generator, ix pipeline) as an Observable
 * that takes the next record only while the producer has room: the source is never read ahead of
 * what `bufferMemory` can hold, so memory stays bounded whatever the source's size (backpressure
 * for sources that can wait — DESIGN.md, "Backpressure" 1). Sync iterables are drained in a tight
 * loop without a promise per record.
 */
export function pullSource<T>(source: Iterable<T> | AsyncIterable<T>, gate: PullGate): Observable<T> {
  return new Observable<T>((subscriber) => {
    let stopped = false;
    const isAsync = typeof (source as AsyncIterable<T>)[Symbol.asyncIterator] === 'function';
    const iterator = isAsync
      ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (source as Iterable<T>)[Symbol.iterator]();

    const run = async (): Promise<void> => {
      try {
        while (!stopped) {
          if (!gate.hasRoom()) {
            await gate.whenRoom();
            continue;
          }
          if (isAsync) {
            const result = await (iterator as AsyncIterator<T>).next();
            if (stopped) return;
            if (result.done) break;
            subscriber.next(result.value);
          } else {
            const it = iterator as Iterator<T>;
            // Synchronous pulls until the gate closes or the source ends.
            let result = it.next();
            while (!result.done) {
              subscriber.next(result.value);
              if (stopped || !gate.hasRoom()) break;
              result = it.next();
            }
            if (result.done) break;
          }
        }
        if (!stopped) subscriber.complete();
      } catch (err) {
        if (!stopped) subscriber.error(err);
      }
    };
    void run();

    return () => {
      stopped = true;
      // Let the source release what it holds (file handles, generators' finally blocks).
      const ret = (iterator as { return?: () => unknown }).return;
      if (typeof ret === 'function') {
        try {
          const p = ret.call(iterator) as Partial<Promise<unknown>> | undefined;
          if (p !== undefined && typeof p.catch === 'function') p.catch(() => {});
        } catch {
          /* the source's own cleanup failed; nothing more to release */
        }
      }
    };
  });
}
