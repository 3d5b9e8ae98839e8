// partition(producer) in marbles: a record of a known topic gets its partition at once; records
// of a topic without metadata wait — and the records behind them too, whatever their topic — until
// its metadata arrives (at a marble frame), then leave in order; a topic that gets none within
// maxBlockMs fails its records with MetadataTimeoutError, and the others go on.
import { map } from 'rxjs';
import { partition } from '../../operators/partition';
import type { SerializedRecord } from '../../src/types';
import { ledBy } from '../support/fakeCluster';
import { marbleScheduler, runAsync } from '../support/marbles';
import { producerOn, serialized } from './fixture';

/** A partitioned record as a marble value: `meta>topic/partition`, or `meta!ErrorName`. */
const summary = (r: SerializedRecord<string>): string => (r.error === null ? `${r.meta}>${r.topic}/${r.partition}` : `${r.meta}!${r.error.name}`);

describe('partition', () => {
  it('gives a record of a known topic its partition at once: its own, else the key hash', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, expectObservable }) => {
      const { producer, cluster } = producerOn(scheduler, {}, null);
      cluster.addTopic('known', ledBy(1, 3));
      // murmur2('k') % 3 is 2, as the Java client computes it.
      const keyed = { ...serialized('b', -1, 'known'), key: Buffer.from('k') };
      const records = cold('a-b|', { a: serialized('a', 1, 'known'), b: keyed });
      expectObservable(records.pipe(partition(producer), map(summary))).toBe('a-b|', { a: 'a>known/1', b: 'b>known/2' });
    });
  });

  it('holds the records behind a topic without metadata until it arrives, then lets them go in order', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, hot, expectObservable }) => {
      const { producer, cluster } = producerOn(scheduler, {}, null);
      cluster.addTopic('known', ledBy(1, 3));
      // The metadata of 'late' arrives at frame 6.
      hot('------m').subscribe(() => cluster.addTopic('late', ledBy(1, 2)));
      const records = cold('a-b-c-----d|', { a: serialized('a', 2, 'known'), b: serialized('b', 1, 'late'), c: serialized('c', 0, 'known'), d: serialized('d', 0, 'late') });
      expectObservable(records.pipe(partition(producer), map(summary))).toBe('a-----(bc)d|', { a: 'a>known/2', b: 'b>late/1', c: 'c>known/0', d: 'd>late/0' });
    });
  });

  it('completion waits for the records still waiting for metadata', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, hot, expectObservable }) => {
      const { producer, cluster } = producerOn(scheduler, {}, null);
      hot('-----m').subscribe(() => cluster.addTopic('late', ledBy(1, 2)));
      const records = cold('a|', { a: serialized('a', 1, 'late') });
      expectObservable(records.pipe(partition(producer), map(summary))).toBe('-----(a|)', { a: 'a>late/1' });
    });
  });

  it('fails the records of a topic that gets no metadata within maxBlockMs; the records behind them go on', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, expectObservable }) => {
      const { producer, cluster } = producerOn(scheduler, { maxBlockMs: 8 }, null);
      cluster.addTopic('known', ledBy(1, 3));
      // a waits from frame 0 and fails at frame 8, with b (same topic) behind it; c was only held.
      const records = cold('a-b-c|', { a: serialized('a', 0, 'missing'), b: serialized('b', 0, 'missing'), c: serialized('c', 1, 'known') });
      expectObservable(records.pipe(partition(producer), map(summary))).toBe('--------(abc|)', {
        a: 'a!MetadataTimeoutError',
        b: 'b!MetadataTimeoutError',
        c: 'c>known/1',
      });
    });
  });

  it('passes a record that failed earlier on untouched, without waiting for its topic', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, expectObservable }) => {
      const { producer } = producerOn(scheduler, {}, null);
      const failed = { ...serialized('a', -1, 'missing'), error: new Error('serializer failed') };
      expectObservable(cold('a|', { a: failed }).pipe(partition(producer), map(summary))).toBe('a|', { a: 'a!Error' });
    });
  });
});
