import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { realTime } from '../../src/time/Time';
import { serialize } from '../../operators/serialize';
import { SerializationError } from '../../src/errors';
import type { Serializer } from '../../src/serde';
import { SerializeStage, serializeStage, type SerializationCounter } from '../../src/pipeline/SerializeStage';
import type { SerializedRecord } from '../../src/types';

/** A value serializer resolving after a delay chosen per value (so results arrive out of order). */
function delayed(delayOf: (v: string) => number): Serializer<string> {
  return (v) => new Promise((resolve) => setTimeout(() => resolve(Buffer.from(v)), delayOf(v)));
}

/** The producer's side of the count: what is held, what ever was, what left the pipeline. */
class Counter implements SerializationCounter {
  held = 0;
  maxHeld = 0;
  heldTotal = 0;
  left = 0;
  addSerializing(n: number): void {
    this.held += n;
    this.maxHeld = Math.max(this.maxHeld, this.held);
    if (n > 0) this.heldTotal += n;
    else this.left -= n;
  }
  releaseSerializing(n: number, emitAll: () => void): void {
    const heldBefore = this.heldTotal;
    emitAll();
    this.held -= n;
    this.left += n - (this.heldTotal - heldBefore);
  }
  /** A later stage holds a record (waiting for metadata or memory). */
  downstreamHolds(): void {
    this.heldTotal++;
  }
}

const values = (records: SerializedRecord[]) => records.map((r) => r.value?.toString() ?? null);

describe('SerializeStage', () => {
  const record = (v: string) => ({ topic: 't', partition: -1, key: null, value: Buffer.from(v), headers: null, timestamp: 0, meta: v, error: null });

  it('passes ready results straight through and counts nothing while nothing is pending', () => {
    const out: string[] = [];
    const counter = new Counter();
    const stage = new SerializeStage<string>((r) => out.push(r.meta!), counter, () => {});
    stage.push(record('a'));
    stage.push(record('b'));
    expect(out).toEqual(['a', 'b']);
    expect(counter.heldTotal).toBe(0);
  });

  it('holds ready results behind a pending one, releases them in order and balances its count', async () => {
    const out: string[] = [];
    const counter = new Counter();
    let empty = 0;
    const stage = new SerializeStage<string>((r) => out.push(r.meta!), counter, () => empty++);
    let resolveFirst!: (r: SerializedRecord<string>) => void;
    stage.push(new Promise((resolve) => (resolveFirst = resolve)));
    stage.push(record('b'));
    stage.push(Promise.resolve(record('c')));
    stage.push(record('d'));
    await new Promise((r) => setImmediate(r));
    expect(out).toEqual([]);
    expect(counter.held).toBe(4);
    expect(stage.waitingCount).toBe(4);
    resolveFirst(record('a'));
    await new Promise((r) => setImmediate(r));
    expect(out).toEqual(['a', 'b', 'c', 'd']);
    expect(counter.held).toBe(0);
    expect(counter.left).toBe(4);
    expect(empty).toBe(1);
  });

  it('does not count as gone the records the next stage holds', async () => {
    const counter = new Counter();
    // The next stage holds 'a' and 'c' (say, waiting for metadata): only 'b' and 'd' left the pipeline.
    const stage = new SerializeStage<string>((r) => r.meta === 'a' || r.meta === 'c' ? counter.downstreamHolds() : undefined, counter, () => {});
    for (const v of ['a', 'b', 'c', 'd']) stage.push(Promise.resolve(record(v)));
    await new Promise((r) => setImmediate(r));
    expect(counter.held).toBe(0);
    expect(counter.left).toBe(2);
  });

  it('forgets held records on dispose and gives their count back', async () => {
    const out: string[] = [];
    const counter = new Counter();
    const stage = new SerializeStage<string>((r) => out.push(r.meta!), counter, () => {});
    stage.push(new Promise((resolve) => setTimeout(() => resolve(record('late')), 5)));
    stage.push(record('b'));
    stage.dispose();
    expect(counter.held).toBe(0);
    await new Promise((r) => setTimeout(r, 10));
    expect(out).toEqual([]);
  });
});

describe('serialize with async serializers', () => {
  it('emits records in source order however their serializations finish, and completes after the last', async () => {
    const input = Array.from({ length: 300 }, (_, i) => `v${i}`);
    const out = await lastValueFrom(
      from(input.map((value) => ({ value }))).pipe(serialize({ topic: 't', value: delayed((v) => (Number(v.slice(1)) * 7919) % 13) }), toArray()),
    );
    expect(values(out)).toEqual(input);
  });

  it('mixes sync and async results in order (a serializer answering either way)', async () => {
    const sometimesAsync: Serializer<string> = (v) => (Number(v) % 3 === 0 ? Promise.resolve(Buffer.from(v)) : Buffer.from(v));
    const input = Array.from({ length: 50 }, (_, i) => String(i));
    const out = await lastValueFrom(from(input.map((value) => ({ value }))).pipe(serialize({ topic: 't', value: sometimesAsync }), toArray()));
    expect(values(out)).toEqual(input);
  });

  it('fails only the record whose serializer rejected, in its place', async () => {
    const flaky: Serializer<string> = (v) => (v === 'b' ? Promise.reject(new Error('registry said no')) : Promise.resolve(Buffer.from(v)));
    const out = await lastValueFrom(from(['a', 'b', 'c'].map((value) => ({ value, meta: value }))).pipe(serialize({ topic: 't', value: flaky }), toArray()));
    expect(out.map((r) => r.meta)).toEqual(['a', 'b', 'c']);
    expect(out[1].error).toBeInstanceOf(SerializationError);
    expect(out[1].error!.message).toMatch(/registry said no/);
    expect(out[0].error).toBeNull();
    expect(out[2].error).toBeNull();
  });

  it('counts held records in the producer backlog until they go on', async () => {
    const producer = new Counter();
    const source = new Subject<{ value: string }>();
    const seen: string[] = [];
    const done = new Promise<void>((resolve) =>
      source.pipe(serializeStage<unknown, string, unknown>({ topic: 't', key: undefined, value: delayed(() => 2), time: realTime, backlog: producer, interceptors: null })).subscribe({ next: (r) => seen.push(r.value!.toString()), complete: resolve }),
    );
    for (let i = 0; i < 10; i++) source.next({ value: String(i) });
    expect(producer.held).toBe(10);
    source.complete();
    await done;
    expect(seen).toHaveLength(10);
    expect(producer.held).toBe(0);
    expect(producer.maxHeld).toBe(10);
    expect(producer.left).toBe(10);
  });
});
