// Async serializers (issue 5, part 6) on the real mock broker: records reach Kafka in the order
// they were given however their serializations finish, a rejected serialization fails only its
// record, flush() waits for records still being serialized, and a pulled source is not read
// further than MAX_PENDING_SERIALIZATIONS ahead. kcat reads back what was acked.
import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { createProducer, serializers, toKafka } from '../../operators';
import { SerializationError } from '../../src/errors';
import type { Serializer } from '../../src/serde';
import { MAX_PENDING_SERIALIZATIONS } from '../../src/pipeline/PipelineBacklog';
import type { Ack } from '../../src/types';
import { kcatConsume } from '../support/kcat';
import { mockClusterFixture } from '../support/clusterFixture';

const fixture = mockClusterFixture('async-serde');
const newTopic = fixture.newTopic.bind(fixture);

/** A stand-in for a schema-registry encoder: a magic byte and schema id, then JSON, after a delay. */
function registryLike(delayMs: (seq: number) => number, track?: { pending: number; max: number }): Serializer<{ seq: number }> {
  return (value) => {
    if (track) track.max = Math.max(track.max, ++track.pending);
    return new Promise((resolve) =>
      setTimeout(() => {
        if (track) track.pending--;
        resolve(Buffer.concat([Buffer.from([0, 0, 0, 0, 42]), serializers.json(value, 't')!]));
      }, delayMs(value.seq)),
    );
  };
}

const decode = (value: string | null) => JSON.parse(value!.slice(5)).seq as number;

describe('async serializers on the mock cluster', () => {
  it('delivers a pulled source in per-key order while serializations run concurrently and finish out of order', async () => {
    const topic = await newTopic(6);
    const n = 5000;
    const track = { pending: 0, max: 0 };
    let pulled = 0;
    async function* records() {
      for (let seq = 0; seq < n; seq++) {
        pulled++;
        yield { key: `k${seq % 13}`, value: { seq }, meta: seq };
      }
    }
    const producer = createProducer({ brokers: fixture.cluster.bootstrap, topic, serializers: { value: registryLike((seq) => (seq * 7919) % 5, track) } });
    const acks = await lastValueFrom(producer.produce(records()).pipe(toArray()));
    await producer.close();
    expect(pulled).toBe(n);
    expect(acks.filter((a) => a.error !== undefined)).toEqual([]);
    expect(track.max).toBeGreaterThan(1);
    expect(track.max).toBeLessThanOrEqual(MAX_PENDING_SERIALIZATIONS);
    // Acks come per partition in offset order, and each key's records in the order they were given.
    const read = await kcatConsume(fixture.cluster.bootstrap, topic);
    expect(read).toHaveLength(n);
    for (let k = 0; k < 13; k++) {
      const seqs = read.filter((r) => r.key === `k${k}`).map((r) => decode(r.value));
      expect(seqs).toEqual(Array.from({ length: n }, (_, s) => s).filter((s) => s % 13 === k));
    }
    expect(read.every((r) => r.valueBytes!.subarray(0, 5).equals(Buffer.from([0, 0, 0, 0, 42])))).toBe(true);
  });

  it('fails only the record whose serializer rejected; the others are delivered', async () => {
    const topic = await newTopic(3);
    const flaky: Serializer<{ seq: number }> = (value) =>
      value.seq === 17 ? Promise.reject(new Error('schema not registered')) : registryLike(() => 1)(value, topic);
    const records = Array.from({ length: 100 }, (_, seq) => ({ key: `k${seq % 4}`, value: { seq }, meta: seq }));
    const acks: Ack<number>[] = await lastValueFrom(from(records).pipe(toKafka({ brokers: fixture.cluster.bootstrap, topic, serializers: { value: flaky }, stopOnError: false }), toArray()));
    const failed = acks.filter((a) => a.error !== undefined);
    expect(failed.map((a) => a.meta)).toEqual([17]);
    expect(failed[0].error).toBeInstanceOf(SerializationError);
    expect(failed[0].error!.message).toMatch(/value.*schema not registered/);
    const read = await kcatConsume(fixture.cluster.bootstrap, topic);
    expect(read.map((r) => decode(r.value)).sort((a, b) => a - b)).toEqual(records.map((r) => r.meta).filter((s) => s !== 17));
  });

  it('flush() waits for records still being serialized when it is called', async () => {
    const topic = await newTopic(3);
    const producer = createProducer({ brokers: fixture.cluster.bootstrap, topic, serializers: { value: registryLike(() => 200) } });
    const source = new Subject<{ value: { seq: number } }>();
    const acks: Ack[] = [];
    producer.produce(source).subscribe((ack) => acks.push(ack));
    for (let seq = 0; seq < 50; seq++) source.next({ value: { seq } });
    await producer.flush();
    expect(acks).toHaveLength(50);
    expect(acks.every((a) => a.error === undefined)).toBe(true);
    source.complete();
    await producer.close();
    expect(await kcatConsume(fixture.cluster.bootstrap, topic)).toHaveLength(50);
  });
});
