// The producer end to end on the real mock cluster (RXKAFKA_MOCK_VERSION): what rxkafka acks is
// read back by kcat (CRC-checked) — complete, per partition in ack order, keyed records on the
// partitions the Java client chooses.
import { Readable } from 'node:stream';
import { firstValueFrom, from, lastValueFrom, Observable, tap, toArray } from 'rxjs';
import {
  accumulate,
  createProducer,
  MetadataTimeoutError,
  partition,
  RecordError,
  send,
  serialize,
  serializers,
  toKafka,
} from '../../operators';
import type { Ack, ProducerRecord, RecordMetadata } from '../../src/types';
import { SHARE_MIN_BYTES, Writer } from '../../src/protocol/Writer';
import { kcatConsume } from '../support/kcat';
import { MockCluster } from '../support/MockCluster';
import { MURMUR2_VECTORS } from '../support/vectors';

let cluster: MockCluster;

beforeAll(async () => {
  cluster = await MockCluster.start({ brokers: 3 });
});

afterAll(async () => {
  await cluster?.stop();
});

let topicSeq = 0;
async function newTopic(partitions = 6): Promise<string> {
  const name = `produce-${process.pid}-${++topicSeq}`;
  await cluster.createTopic(name, partitions, 1);
  return name;
}

function ok<M>(acks: Ack<M>[]): RecordMetadata<M>[] {
  for (const a of acks) if (a.error !== undefined) throw a.error;
  return acks as RecordMetadata<M>[];
}

describe('toKafka on the mock cluster', () => {
  it('acks every keyed record once, with its meta, and kcat reads back exactly those records in per-key order', async () => {
    const topic = await newTopic(6);
    const n = 20000;
    const records: ProducerRecord<string, string, number>[] = [];
    for (let i = 0; i < n; i++) records.push({ key: `k${i % 97}`, value: `v${i}`, meta: i });

    const acks = ok(await lastValueFrom(from(records).pipe(toKafka({ brokers: cluster.bootstrap, topic }), toArray())));

    // One ack per record, meta untouched.
    expect(acks).toHaveLength(n);
    expect(new Set(acks.map((a) => a.meta)).size).toBe(n);
    // Acks of one partition come in send order, with increasing offsets.
    const lastByPartition = new Map<number, { meta: number; offset: bigint }>();
    for (const a of acks) {
      const prev = lastByPartition.get(a.partition);
      if (prev) {
        expect(a.meta!).toBeGreaterThan(prev.meta);
        expect(a.offset).toBeGreaterThan(prev.offset);
      }
      lastByPartition.set(a.partition, { meta: a.meta!, offset: a.offset });
    }

    const read = await kcatConsume(cluster.bootstrap, topic);
    expect(read).toHaveLength(n);
    const byCoordinate = new Map(read.map((r) => [`${r.partition}:${r.offset}`, r]));
    for (const a of acks) {
      const r = byCoordinate.get(`${a.partition}:${a.offset}`);
      expect(r?.value).toBe(`v${a.meta}`);
    }
    // Per key: one partition, values in send order.
    const seqByKey = new Map<string, number[]>();
    const partitionByKey = new Map<string, number>();
    for (const r of read) {
      const list = seqByKey.get(r.key!) ?? [];
      list.push(Number(r.value!.slice(1)));
      seqByKey.set(r.key!, list);
      expect(partitionByKey.get(r.key!) ?? r.partition).toBe(r.partition);
      partitionByKey.set(r.key!, r.partition);
    }
    for (const list of seqByKey.values()) expect(list).toEqual([...list].sort((x, y) => x - y));
  });

  it("puts keyed records on the Java client's partitions (VECTORS.md murmur2 values)", async () => {
    const topic = await newTopic(3);
    // Java: (murmur2(key) & 0x7fffffff) % 3, with murmur2 values published by Kafka's UtilsTest.
    const javaMurmur2 = MURMUR2_VECTORS;
    const acks = ok(
      await lastValueFrom(
        from(javaMurmur2.map(([key]) => ({ key, value: key }))).pipe(toKafka({ brokers: cluster.bootstrap, topic }), toArray()),
      ),
    );
    const read = await kcatConsume(cluster.bootstrap, topic);
    for (const [key, hash] of javaMurmur2) {
      const expected = (hash & 0x7fffffff) % 3;
      expect({ key, partition: read.find((r) => r.key === key)!.partition }).toEqual({ key, partition: expected });
    }
    expect(acks).toHaveLength(javaMurmur2.length);
  });

  it('writes headers, null keys, null values and timestamps as given', async () => {
    const topic = await newTopic(1);
    const ts = Date.UTC(2024, 0, 2, 3, 4, 5);
    const mixed: ProducerRecord<string, unknown>[] = [
        { value: 'with-headers', headers: { trace: 'abc', empty: null, bin: Buffer.from('xyz') }, timestamp: ts },
        { key: 'tomb', value: null, timestamp: ts + 1 },
        { value: { json: true } },
    ];
    await lastValueFrom(
      from(mixed).pipe(toKafka<string, unknown>({ brokers: cluster.bootstrap, topic, serializers: { value: serializers.json } }), toArray()),
    );
    const read = await kcatConsume(cluster.bootstrap, topic);
    expect(read.map((r) => [r.key, r.value])).toEqual([
      [null, '"with-headers"'],
      ['tomb', null],
      [null, '{"json":true}'],
    ]);
    expect(read[0].headers).toEqual([
      ['trace', 'abc'],
      ['empty', null],
      ['bin', 'xyz'],
    ]);
    expect(read[0].timestamp).toBe(ts);
    expect(read[1].timestamp).toBe(ts + 1);
  });

  it('spreads keyless records over partitions in sticky batches', async () => {
    const topic = await newTopic(6);
    const value = 'x'.repeat(500);
    const records = Array.from({ length: 3000 }, (_, i) => ({ value, meta: i }));
    const acks = ok(await lastValueFrom(from(records).pipe(toKafka({ brokers: cluster.bootstrap, topic, batchSize: 16384 }), toArray())));
    const partitions = new Set(acks.map((a) => a.partition));
    expect(partitions.size).toBeGreaterThan(1);
    expect(await kcatConsume(cluster.bootstrap, topic)).toHaveLength(3000);
  });

  it('sends large batches uncopied (gathered writes) and kcat reads every byte back in order', async () => {
    const topic = await newTopic(3);
    const toChunks = jest.spyOn(Writer.prototype, 'toChunks');
    try {
      const records = Array.from({ length: 3000 }, (_, i) => ({ key: `k${i % 7}`, value: `${i}:`.padEnd(1000, String.fromCharCode(97 + (i % 26))) }));
      const acks = ok(await lastValueFrom(from(records).pipe(toKafka({ brokers: cluster.bootstrap, topic, batchSize: 256 * 1024 }), toArray())));
      expect(acks).toHaveLength(3000);
      // Some Produce frames went out as several chunks: their batches were shared, not copied.
      expect(toChunks.mock.results.some((r) => (r.value as Buffer[]).some((c) => c.length >= SHARE_MIN_BYTES))).toBe(true);
      const read = await kcatConsume(cluster.bootstrap, topic);
      expect(read.map((r) => r.value).sort()).toEqual(records.map((r) => r.value).sort());
      for (let k = 0; k < 7; k++) {
        const sent = records.filter((r) => r.key === `k${k}`).map((r) => r.value);
        expect(read.filter((r) => r.key === `k${k}`).map((r) => r.value)).toEqual(sent);
      }
    } finally {
      toChunks.mockRestore();
    }
  });

  for (const acks of ['all', 1, 0] as const) {
    it(`delivers with acks=${acks}${acks === 'all' ? '' : ' (idempotence off)'}`, async () => {
      const topic = await newTopic(3);
      const records = Array.from({ length: 2000 }, (_, i) => ({ key: String(i % 10), value: `v${i}` }));
      const result = ok(await lastValueFrom(from(records).pipe(toKafka({ brokers: cluster.bootstrap, topic, acks }), toArray())));
      expect(result).toHaveLength(2000);
      if (acks === 0) expect(result.every((a) => a.offset === -1n)).toBe(true);
      else expect(result.every((a) => a.offset >= 0n)).toBe(true);
      expect(await kcatConsume(cluster.bootstrap, topic)).toHaveLength(2000);
    });
  }
});

describe('createProducer on the mock cluster', () => {
  it('pulls an async generator only while bufferMemory has room, and delivers it all', async () => {
    const topic = await newTopic(3);
    const producer = createProducer({ brokers: cluster.bootstrap, topic, bufferMemory: 64 * 1024, batchSize: 16384 });
    let pulled = 0;
    let acked = 0;
    let maxAhead = 0;
    const value = Buffer.alloc(100, 1);
    async function* source() {
      for (let i = 0; i < 30000; i++) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - acked);
        yield { key: String(i % 50), value, meta: i };
      }
    }
    await new Promise<void>((resolve, reject) =>
      producer.produce(source()).subscribe({ next: () => acked++, error: reject, complete: resolve }),
    );
    await producer.close();
    expect(acked).toBe(30000);
    // 64 KiB of ~110-byte records is ~600 records: the source never ran further ahead than that.
    expect(maxAhead).toBeLessThan(800);
    expect(await kcatConsume(cluster.bootstrap, topic)).toHaveLength(30000);
  });

  it('exposes its pressure: ready$ turns false while records wait for memory, bufferAvailable$ returns to bufferMemory', async () => {
    const topic = await newTopic(3);
    const bufferMemory = 64 * 1024;
    const producer = createProducer({ brokers: cluster.bootstrap, topic, bufferMemory, batchSize: 16384 });
    const ready: boolean[] = [];
    const available: number[] = [];
    producer.ready$.subscribe((r) => ready.push(r));
    producer.bufferAvailable$.subscribe((b) => available.push(b));
    // A pushed burst of 2000 × 200 B (~420 KB) cannot fit in 64 KiB at once: records wait.
    const value = Buffer.alloc(200, 7);
    const acks = ok(
      await lastValueFrom(producer.produce(from(Array.from({ length: 2000 }, (_, i) => ({ key: `k${i % 9}`, value, meta: i })))).pipe(toArray())),
    );
    expect(acks).toHaveLength(2000);
    expect(ready[0]).toBe(true);
    expect(ready).toContain(false);
    expect(ready[ready.length - 1]).toBe(true);
    expect(Math.min(...available)).toBeLessThan(16384);
    expect(available[available.length - 1]).toBe(bufferMemory);
    await producer.close();
    expect(await kcatConsume(cluster.bootstrap, topic)).toHaveLength(2000);
  });

  it('serves several streams with one producer; flush() waits for their acks', async () => {
    const topic = await newTopic(3);
    const producer = createProducer({ brokers: cluster.bootstrap, topic, lingerMs: 1000 });
    const a: Ack[] = [];
    const b: Ack[] = [];
    producer.produce(from(Array.from({ length: 100 }, (_, i) => ({ value: `a${i}`, meta: `a${i}` })))).subscribe((x) => a.push(x));
    producer.produce(from(Array.from({ length: 50 }, (_, i) => ({ value: `b${i}`, meta: `b${i}` })))).subscribe((x) => b.push(x));
    // lingerMs=1000 would hold the batches; flush() sends them now and resolves once acked.
    const started = Date.now();
    await producer.flush();
    expect(Date.now() - started).toBeLessThan(900);
    expect(a.map((x) => x.meta)).toEqual(Array.from({ length: 100 }, (_, i) => `a${i}`));
    expect(b.map((x) => x.meta)).toEqual(Array.from({ length: 50 }, (_, i) => `b${i}`));
    await producer.close();
    expect(await kcatConsume(cluster.bootstrap, topic)).toHaveLength(150);
  });
});

describe('flush() and records held in two stages', () => {
  it('waits for records that waited for metadata and then for memory', async () => {
    const topic = await newTopic(3);
    // 64 KiB of memory for 1000 records of 1 KB: after the metadata wait most wait again, for memory.
    const producer = createProducer({ brokers: cluster.bootstrap, topic, bufferMemory: 64 * 1024, batchSize: 16384 });
    const acks: Ack[] = [];
    const value = 'x'.repeat(1000);
    producer.produce(from(Array.from({ length: 1000 }, (_, i) => ({ value, meta: i })))).subscribe((ack) => acks.push(ack));
    await producer.flush();
    expect(acks).toHaveLength(1000);
    expect(acks.every((a) => a.error === undefined)).toBe(true);
    await producer.close();
    expect(await kcatConsume(cluster.bootstrap, topic)).toHaveLength(1000);
  });
});

describe('the public stages composed by hand', () => {
  it('serialize → partition → tap → accumulate → send delivers, and the tap sees every partitioned record', async () => {
    const topic = await newTopic(3);
    const producer = createProducer({ brokers: cluster.bootstrap });
    const seenPartitions: number[] = [];
    const acks = ok(
      await lastValueFrom(
        from(Array.from({ length: 500 }, (_, i) => ({ key: `k${i % 7}`, value: `v${i}`, meta: i }))).pipe(
          serialize<string, string, number>({ topic }),
          partition<number>(producer),
          tap((r) => seenPartitions.push(r.partition)),
          accumulate(producer),
          send<number>(producer),
          toArray(),
        ),
      ),
    );
    await producer.close();
    expect(acks.map((a) => a.meta)).toHaveLength(500);
    expect(seenPartitions).toHaveLength(500);
    // The partition the tap saw is the one the record was acked on.
    const byMeta = new Map(acks.map((a) => [a.meta!, a.partition]));
    for (let i = 0; i < 500; i++) expect(byMeta.get(i)).toBe(seenPartitions[i]);
    expect(await kcatConsume(cluster.bootstrap, topic)).toHaveLength(500);
  });

  it('takes a Node Readable (object mode) as a pulled source', async () => {
    const topic = await newTopic(2);
    const producer = createProducer({ brokers: cluster.bootstrap, topic });
    const readable = Readable.from(Array.from({ length: 1000 }, (_, i) => ({ value: `r${i}`, meta: i })));
    const acks = ok(await lastValueFrom(producer.produce(readable).pipe(toArray())));
    await producer.close();
    expect(acks).toHaveLength(1000);
    expect((await kcatConsume(cluster.bootstrap, topic)).map((r) => r.value).sort()).toEqual(
      Array.from({ length: 1000 }, (_, i) => `r${i}`).sort(),
    );
  });
});

describe('failures on the mock cluster', () => {
  it('stopOnError (default): the stream errors with a RecordError naming the record, after delivering the rest', async () => {
    const topic = await newTopic(2);
    const records: ProducerRecord<string, string, string>[] = [
      { value: 'good-1', meta: 'g1', partition: 0 },
      { value: 'bad', meta: 'bad', partition: 7 },
      { value: 'good-2', meta: 'g2', partition: 1 },
    ];
    const seen: Ack<string>[] = [];
    const error = await new Promise<unknown>((resolve) =>
      from(records)
        .pipe(toKafka<string, string, string>({ brokers: cluster.bootstrap, topic }))
        .subscribe({ next: (x) => seen.push(x), error: resolve, complete: () => resolve(null) }),
    );
    expect(error).toBeInstanceOf(RecordError);
    expect((error as RecordError<string>).record.meta).toBe('bad');
    expect((error as Error).message).toMatch(/partition 7 .* 2 partitions/);
    expect(seen.every((x) => x.error === undefined)).toBe(true);
  });

  it('stopOnError: records accepted before the failing one are still sent and acked, then the stream errors', async () => {
    const topic = await newTopic(1);
    const acks: Ack<number>[] = [];
    const error = await new Promise<unknown>((resolve) =>
      from([
        { value: 'good-1', meta: 1 },
        { value: { not: 'bytes' }, meta: 2 }, // the default serializer refuses objects
        { value: 'good-3', meta: 3 },
      ])
        .pipe(toKafka<unknown, unknown, number>({ brokers: cluster.bootstrap, topic, lingerMs: 1000 }))
        .subscribe({ next: (a) => acks.push(a), error: resolve, complete: () => resolve(null) }),
    );
    expect((error as RecordError<number>).record.meta).toBe(2);
    // good-1 sat in an open (lingering) batch when record 2 failed: it was sent, not dropped.
    const read = await kcatConsume(cluster.bootstrap, topic);
    expect(acks.map((a) => a.meta)).toEqual(read.map((r) => (r.value === 'good-1' ? 1 : 3)));
    expect(read.map((r) => r.value)).toContain('good-1');
  });

  it('stopOnError false: the failed record gets an ack with error, the others are delivered', async () => {
    const topic = await newTopic(2);
    const throwing = (v: string) => {
      if (v === 'boom') throw new Error('cannot encode boom');
      return Buffer.from(v);
    };
    const acks = await lastValueFrom(
      from(['a', 'boom', 'b'].map((value) => ({ value, meta: value }))).pipe(
        toKafka<unknown, string, string>({ brokers: cluster.bootstrap, topic, stopOnError: false, serializers: { value: throwing } }),
        toArray(),
      ),
    );
    expect(acks.map((a) => [a.meta, a.error?.name])).toEqual(
      expect.arrayContaining([
        ['a', undefined],
        ['boom', 'SerializationError'],
        ['b', undefined],
      ]),
    );
    expect((await kcatConsume(cluster.bootstrap, topic)).map((r) => r.value).sort()).toEqual(['a', 'b']);
  });

  it('a topic the brokers call unknown fails its records with MetadataTimeoutError after maxBlockMs', async () => {
    // What a broker with auto-creation off answers for a missing topic. (Metadata < v4 cannot ask
    // a broker not to auto-create, so the error is pushed rather than relying on the flag.)
    const topic = `missing-${process.pid}`;
    await cluster.setTopicError(topic, 3 /* UNKNOWN_TOPIC_OR_PARTITION */);
    const started = Date.now();
    const error = await firstValueFrom(
      from([{ value: 'x' }]).pipe(toKafka({ brokers: cluster.bootstrap, topic, allowAutoTopicCreation: false, maxBlockMs: 1500 })),
    ).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(error).toBeInstanceOf(RecordError);
    expect((error as RecordError).cause).toBeInstanceOf(MetadataTimeoutError);
    expect((error as Error).message).toMatch(/missing-/);
  });

  it('unreachable brokers: records fail with a clear error within maxBlockMs, nothing hangs', async () => {
    const started = Date.now();
    const acks = await lastValueFrom(
      new Observable<ProducerRecord>((s) => {
        s.next({ value: 'x', meta: 1 });
        s.complete();
      }).pipe(toKafka({ brokers: '127.0.0.1:1', topic: 't', maxBlockMs: 1000, stopOnError: false }), toArray()),
    );
    expect(Date.now() - started).toBeLessThan(10000);
    expect(acks).toHaveLength(1);
    expect(acks[0].error).toBeInstanceOf(MetadataTimeoutError);
    expect(acks[0].error!.message).toMatch(/127\.0\.0\.1:1/);
  });
});
