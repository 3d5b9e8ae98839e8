import { Subscriber } from 'rxjs';
import { KafkaProtocolError, RecordDroppedError, RecordError } from '../../src/errors';
import { AckStage, AckStageHost } from '../../src/pipeline/AckStage';
import { ProducerBatch } from '../../src/accumulator/ProducerBatch';
import { splitBatch } from '../../src/accumulator/splitBatch';
import type { Ack } from '../../src/types';

function batch(partition: number, metas: string[]): ProducerBatch {
  const b = ProducerBatch.open('t', partition, 0, Buffer.alloc(512));
  metas.forEach((m, i) => b.append(100 + i, null, Buffer.from(m), null, m));
  b.close();
  return b;
}

function setup(stopOnError: boolean) {
  const enqueued: ProducerBatch[] = [];
  const released: ProducerBatch[] = [];
  const discarded: ProducerBatch[] = [];
  const splits: Array<[ProducerBatch, ProducerBatch[]]> = [];
  const host: AckStageHost = {
    batches: {
      enqueue: (b) => enqueued.push(b),
      release: (b) => released.push(b),
      discard: (b) => discarded.push(b),
      split: (b, parts) => splits.push([b, parts]),
    },
  };
  const acks: Ack<string>[] = [];
  const result: { error?: unknown; complete: boolean } = { complete: false };
  const subscriber = new Subscriber<Ack<string>>({
    next: (a) => acks.push(a),
    error: (e: unknown) => (result.error = e),
    complete: () => (result.complete = true),
  });
  let stopped = 0;
  const stage = new AckStage<string>(host, subscriber, stopOnError, () => stopped++);
  return { stage, enqueued, released, discarded, splits, acks, result, stopped: () => stopped };
}

describe('AckStage', () => {
  it('emits one ack per record with consecutive offsets, record timestamps and metas; completes when all are done', () => {
    const s = setup(true);
    const b = batch(3, ['a', 'b']);
    s.stage.next(b);
    s.stage.complete();
    expect(s.result.complete).toBe(false); // the batch is still out
    b.complete(40n, -1);
    expect(s.acks).toEqual([
      { topic: 't', partition: 3, offset: 40n, timestamp: 100, meta: 'a' },
      { topic: 't', partition: 3, offset: 41n, timestamp: 101, meta: 'b' },
    ]);
    expect(s.released).toEqual([b]);
    expect(s.result.complete).toBe(true);
  });

  it('a split batch is acked record by record from its parts, each at its own offset; the stream ends after the last part', () => {
    const s = setup(true);
    const b = batch(3, ['a', 'b', 'c', 'd']);
    s.stage.next(b);
    s.stage.complete();
    const parts = splitBatch(b);
    b.splitInto(parts);
    expect(s.splits).toEqual([[b, parts]]);
    expect(parts.map((p) => p.metas)).toEqual([['a', 'b'], ['c', 'd']]);
    parts[0].complete(10n, -1);
    expect(s.result.complete).toBe(false); // the second part is still out
    parts[1].complete(20n, -1); // another producer's records landed between the parts
    expect(s.acks).toEqual([
      { topic: 't', partition: 3, offset: 10n, timestamp: 100, meta: 'a' },
      { topic: 't', partition: 3, offset: 11n, timestamp: 101, meta: 'b' },
      { topic: 't', partition: 3, offset: 20n, timestamp: 102, meta: 'c' },
      { topic: 't', partition: 3, offset: 21n, timestamp: 103, meta: 'd' },
    ]);
    expect(s.released).toEqual(parts); // the split batch's own memory went back through split()
    expect(s.result.complete).toBe(true);
  });

  it('stopOnError: the first failure stops the source and errors once the other batches settled', () => {
    const s = setup(true);
    const good = batch(0, ['g']);
    const bad = batch(1, ['x', 'y']);
    // The accumulate stage still holds an open batch when the failure comes: it must be sent.
    const held = batch(0, ['held']);
    let flushes = 0;
    good.origin = { flush: () => (flushes++, s.stage.next(held)) };
    s.stage.next(good);
    s.stage.next(bad);
    bad.fail(new KafkaProtocolError('MESSAGE_TOO_LARGE', 10, false));
    expect(flushes).toBe(1);
    expect(s.stopped()).toBe(1);
    expect(s.enqueued).toContain(held);
    held.complete(8n, -1);
    expect(s.result.error).toBeUndefined(); // `good` is still in flight
    s.stage.next(batch(2, ['late'])); // arrived after the stop: not sent
    expect(s.enqueued).toHaveLength(3);
    good.complete(7n, -1);
    expect(s.acks.map((a) => a.meta)).toEqual(['held', 'g']);
    const err = s.result.error as RecordError<string>;
    expect(err).toBeInstanceOf(RecordError);
    expect(err.record).toEqual({ topic: 't', partition: 1, meta: 'x' });
    expect(err.message).toMatch(/t-1 was not delivered: MESSAGE_TOO_LARGE/);
    expect(err.message).toMatch(/2 further record.*every record without an ack was not delivered/);
    expect(s.discarded).toHaveLength(1);
  });

  it('stopOnError false: failed records are acked with their error and the stream goes on', () => {
    const s = setup(false);
    const bad = batch(1, ['x']);
    s.stage.next(bad);
    bad.fail(new KafkaProtocolError('INVALID_RECORD', 87, false));
    s.stage.complete();
    expect(s.acks).toHaveLength(1);
    expect(s.acks[0].error).toBeInstanceOf(KafkaProtocolError);
    expect(s.acks[0].meta).toBe('x');
    expect(s.result.complete).toBe(true);
  });

  it("a record dropped by 'drop-newest' is reported on its ack without stopping the stream", () => {
    const s = setup(true);
    s.stage.next(ProducerBatch.failed('t', 0, 0, 'dropped', 5, new RecordDroppedError(100)));
    s.stage.complete();
    expect(s.acks[0].error).toBeInstanceOf(RecordDroppedError);
    expect(s.stopped()).toBe(0);
    expect(s.result.complete).toBe(true);
  });
});
