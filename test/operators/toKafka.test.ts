// toKafka(config, scheduler) in marbles, end to end against a fake cluster whose broker answers
// each Produce request 3 frames after it was written: records in, one ack per record out, in
// order; each subscription a stream of its own (a producer per subscription); stopOnError (the default) ends the stream with a
// RecordError; a source error passes on after the records already sent are acked. onProducer:
// each subscription's producer handed over before its first record, its metrics ending with it.
import { defer, map, retry, type SchedulerLike } from 'rxjs';
import type { ProducerMetricsSnapshot } from '../../src/metrics/MetricsSnapshot';
import type { ProducerHandle } from '../../src/producer/ProducerHandle';
import { toKafka } from '../../operators/toKafka';
import { RecordError } from '../../src/errors';
import { ErrorCode } from '../../src/protocol/errorCodes';
import type { ProducerRecord } from '../../src/types';
import { FakeCluster, onEveryCluster } from '../support/fakeCluster';
import { marbleScheduler, runAsync } from '../support/marbles';
import { ackSummary } from './fixture';

const RESPONSE_MS = 3;
const config = { brokers: 'fake:9092', topic: 't', idempotence: false, acks: 1 as const, lingerMs: 0 };
const rec = (value: string, partition: number): ProducerRecord<unknown, string, string> => ({ value, partition, meta: value });

/** The producers toKafka makes get a fake cluster of 2 partitions per topic; Produce answered after RESPONSE_MS. */
function everyClusterFake(scheduler: SchedulerLike, errorCodes: Record<number, number> = {}): void {
  const cluster = new FakeCluster(scheduler);
  cluster.everyTopic = 2;
  cluster.answerProduce({ delayMs: RESPONSE_MS, errorCodes });
  onEveryCluster(cluster);
}

afterEach(() => jest.restoreAllMocks());

describe('toKafka', () => {
  it('records in, one ack per record out, in order, with the offsets the broker gave', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, expectObservable }) => {
      everyClusterFake(scheduler);
      // A group takes as many frames as it has characters: c and d at 4, the end at 11.
      const records = cold('a-b-(cd)---|', { a: rec('a', 0), b: rec('b', 1), c: rec('c', 1), d: rec('d', 1) });
      const acks = records.pipe(toKafka<unknown, string, string>(config, scheduler), map(ackSummary));
      // c and d (one batch) are written at 4, while b's batch is still in flight, and acked at 7.
      expectObservable(acks).toBe('---a-b-(cd)|', { a: '0@0:a', b: '1@0:b', c: '1@1:c', d: '1@2:d' });
    });
  });

  it('each subscription is a stream of its own: its own acks, its own completion', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, expectObservable }) => {
      everyClusterFake(scheduler);
      const produce = toKafka<unknown, string, string>(config, scheduler);
      expectObservable(cold('a|', { a: rec('a', 0) }).pipe(produce, map(ackSummary))).toBe('---(a|)', { a: '0@0:a' });
      expectObservable(cold('--b|', { b: rec('b', 1) }).pipe(produce, map(ackSummary))).toBe('-----(b|)', { b: '1@0:b' });
    });
  });

  it('stops at the first record that cannot be delivered (stopOnError by default)', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, expectObservable, expectSubscriptions }) => {
      // Partition 1 is refused (not retriable): b fails at 4.
      everyClusterFake(scheduler, { 1: ErrorCode.TOPIC_AUTHORIZATION_FAILED });
      const records = cold('ab------c|', { a: rec('a', 0), b: rec('b', 1), c: rec('c', 0) });
      expectObservable(records.pipe(toKafka<unknown, string, string>(config, scheduler), map(ackSummary))).toBe('---a#', { a: '0@0:a' }, expect.any(RecordError));
      expectSubscriptions(records.subscriptions).toBe('^---!');
    });
  });

  it('a source error passes on once the records already sent are acked', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, expectObservable }) => {
      everyClusterFake(scheduler);
      const failure = new Error('source failed');
      const records = cold('a#', { a: rec('a', 0) }, failure);
      expectObservable(records.pipe(toKafka<unknown, string, string>(config, scheduler), map(ackSummary))).toBe('---(a#)', { a: '0@0:a' }, failure);
    });
  });

  describe('onProducer', () => {
    /** What one producer handed to onProducer showed: its metrics$ snapshots, whether metrics$ and ready$ completed. */
    interface Watched {
      handle: ProducerHandle;
      snapshots: ProducerMetricsSnapshot[];
      metricsCompleted: boolean;
      ready: boolean[];
    }
    function watch(into: Watched[], events: string[]): (handle: ProducerHandle) => void {
      return (handle) => {
        events.push('producer');
        const watched: Watched = { handle, snapshots: [], metricsCompleted: false, ready: [] };
        into.push(watched);
        handle.metrics$.subscribe({ next: (m) => watched.snapshots.push(m), complete: () => (watched.metricsCompleted = true) });
        handle.ready$.subscribe((ready) => watched.ready.push(ready));
      };
    }

    it('hands each subscription its own producer before its first record; its metrics count that stream and end with it', async () => {
      const scheduler = marbleScheduler();
      const producers: Watched[] = [];
      const events: string[] = [];
      await runAsync(scheduler, ({ cold, expectObservable }) => {
        everyClusterFake(scheduler);
        const produce = toKafka<unknown, string, string>(config, { scheduler, onProducer: watch(producers, events) });
        const first = defer(() => (events.push('source'), cold('ab|', { a: rec('a', 0), b: rec('b', 1) })));
        expectObservable(first.pipe(produce, map(ackSummary))).toBe('---a(b|)', { a: '0@0:a', b: '1@0:b' });
        expectObservable(cold('--c|', { c: rec('c', 0) }).pipe(produce, map(ackSummary))).toBe('-----(c|)', { c: '0@1:c' });
      });
      expect(events.slice(0, 2)).toEqual(['producer', 'source']);
      expect(producers).toHaveLength(2);
      expect(producers[0].handle).not.toBe(producers[1].handle);
      // Closed with its stream: metrics$ gave a last snapshot of that stream's records, then completed.
      expect(producers.map((p) => p.metricsCompleted)).toEqual([true, true]);
      expect(producers.map((p) => p.snapshots.at(-1)?.recordSendTotal)).toEqual([2, 1]);
      expect(producers.map((p) => p.ready[0])).toEqual([true, true]);
    });

    it('a resubscription (retry) gets a new producer, and onProducer is called again', async () => {
      const scheduler = marbleScheduler();
      const producers: Watched[] = [];
      const failure = new Error('source failed');
      await runAsync(scheduler, ({ cold, expectObservable }) => {
        everyClusterFake(scheduler);
        const records = cold('a#', { a: rec('a', 0) }, failure);
        const acks = records.pipe(toKafka<unknown, string, string>(config, { scheduler, onProducer: watch(producers, []) }), retry(1), map(ackSummary));
        // The record is produced again, by the second producer, to the same (fake) partition.
        expectObservable(acks).toBe('---a--(b#)', { a: '0@0:a', b: '0@1:a' }, failure);
      });
      expect(producers).toHaveLength(2);
      expect(producers[0].handle).not.toBe(producers[1].handle);
      expect(producers.map((p) => p.metricsCompleted)).toEqual([true, true]);
      expect(producers.map((p) => p.snapshots.at(-1)?.recordSendTotal)).toEqual([1, 1]);
    });

    it('if onProducer throws, the stream errors with it, the source is not subscribed, and the producer is closed', async () => {
      const scheduler = marbleScheduler();
      const producers: Watched[] = [];
      const failure = new Error('dashboard unavailable');
      await runAsync(scheduler, ({ cold, expectObservable, expectSubscriptions }) => {
        everyClusterFake(scheduler);
        const records = cold('a|', { a: rec('a', 0) });
        const onProducer = (handle: ProducerHandle): void => {
          watch(producers, [])(handle);
          throw failure;
        };
        expectObservable(records.pipe(toKafka<unknown, string, string>(config, { scheduler, onProducer }))).toBe('#', undefined, failure);
        expectSubscriptions(records.subscriptions).toBe([]);
      });
      expect(producers).toHaveLength(1);
      expect(producers[0].metricsCompleted).toBe(true);
    });

    it('a scheduler alone is still accepted as the second argument', () => {
      const scheduler = marbleScheduler();
      const producers: Watched[] = [];
      // Nothing runs until subscribed: the options object is told apart from a scheduler by shape.
      expect(() => toKafka(config, scheduler)).not.toThrow();
      expect(() => toKafka(config, { onProducer: watch(producers, []) })).not.toThrow();
      expect(producers).toHaveLength(0);
    });
  });
});
