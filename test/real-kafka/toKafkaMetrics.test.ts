// Issue 13, point 4 on Apache Kafka itself: toKafka()'s producer reached through onProducer. One
// call per subscription, before the first record; the handle's metrics$ counts exactly that
// subscription's records and completes (with a last snapshot) when its stream ends; bufferAvailable$
// shows memory taken and all of it given back; a second subscription of the same operator gets a
// producer of its own, whose totals start from zero. kcat reads every acked record back.
import { from, lastValueFrom, toArray } from 'rxjs';
import { toKafka, type ProducerHandle, type ProducerMetricsSnapshot } from '../../operators';
import { kafkaClusterFixture } from '../support/kafkaFixture';
import { kcatConsume } from '../support/kcat';

const fixture = kafkaClusterFixture('tokafka-metrics', { nodes: 1 });
const N = 5000;
const BUFFER_MEMORY = 1 << 20;

/** What one handle showed over its producer's life. */
interface Watched {
  handle: ProducerHandle;
  snapshots: ProducerMetricsSnapshot[];
  metricsCompleted: boolean;
  ready: boolean[];
  bufferAvailable: number[];
}

describe('toKafka onProducer, on Apache Kafka', () => {
  it('one producer per subscription, its metrics counting its own records and ending with its stream', async () => {
    const topic = await fixture.newTopic(3);
    const watched: Watched[] = [];
    // Made outside pipe(), the operator cannot see its records: the type arguments say them.
    const produce = toKafka<string, string, number>(
      { brokers: fixture.cluster.bootstrap, topic, acks: 'all', bufferMemory: BUFFER_MEMORY, metricsIntervalMs: 100 },
      {
        onProducer: (handle) => {
          const w: Watched = { handle, snapshots: [], metricsCompleted: false, ready: [], bufferAvailable: [] };
          watched.push(w);
          handle.metrics$.subscribe({ next: (m) => w.snapshots.push(m), complete: () => (w.metricsCompleted = true) });
          handle.ready$.subscribe((r) => w.ready.push(r));
          handle.bufferAvailable$.subscribe((b) => w.bufferAvailable.push(b));
        },
      },
    );
    const records = (start: number, n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${(start + i) % 11}`, value: `v${start + i}`, meta: start + i }));

    const first = await lastValueFrom(from(records(0, N)).pipe(produce, toArray()));
    expect(watched).toHaveLength(1);
    const second = await lastValueFrom(from(records(N, 100)).pipe(produce, toArray()));
    expect(watched).toHaveLength(2);

    const acks = [...first, ...second];
    expect(acks.filter((a) => a.error !== undefined)).toEqual([]);
    // meta is a number here (every record has one): sorted as numbers, no assertion needed.
    expect(acks.map((a) => a.meta).sort((a, b) => a - b)).toEqual(Array.from({ length: N + 100 }, (_, i) => i));

    const [one, two] = watched;
    expect(one.handle).not.toBe(two.handle);
    for (const [w, n] of [[one, N], [two, 100]] as const) {
      // The stream ended, its producer closed: a last snapshot, then metrics$ completed.
      expect(w.metricsCompleted).toBe(true);
      const last = w.snapshots.at(-1)!;
      expect(last.recordSendTotal - last.recordRetryTotal).toBe(n);
      expect(last.recordErrorTotal).toBe(0);
      // Memory was taken by batches, and all of it came back.
      expect(w.bufferAvailable[0]).toBe(BUFFER_MEMORY);
      expect(Math.min(...w.bufferAvailable)).toBeLessThan(BUFFER_MEMORY);
      expect(w.bufferAvailable.at(-1)).toBe(BUFFER_MEMORY);
      expect(w.ready[0]).toBe(true);
    }
    // The handle still answers after the close: the totals stay those of its own stream.
    expect(one.handle.metrics().recordSendTotal - one.handle.metrics().recordRetryTotal).toBe(N);

    const read = await kcatConsume(fixture.cluster.bootstrap, topic, { timeoutMs: 60_000 });
    expect(read.map((r) => r.value).sort()).toEqual(acks.map((a) => `v${a.meta}`).sort());
  }, 180_000);
});
