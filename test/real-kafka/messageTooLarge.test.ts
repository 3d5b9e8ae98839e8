// Issue 10, part 3 on Apache Kafka itself: topics whose max.message.bytes (4096) is far below the
// producer's batchSize (16384), so Kafka refuses nearly every batch with MESSAGE_TOO_LARGE. rxkafka
// splits each refused batch (again, if a part is still refused) and sends the parts in its place,
// idempotent, acks=all, 5 in flight: keyed and keyless streams of thousands of records, and a
// compressed one whose batches stay too large once compressed. kcat (CRC-checked) reads back every
// acked record exactly once, at its ack's partition and offset, each partition in send order; the
// one record larger than the limit by itself fails alone with MessageTooLargeError and is absent,
// while its neighbours — same key, same partition, same batch — are delivered around it.
import { randomBytes } from 'crypto';
import { from, lastValueFrom, toArray } from 'rxjs';
import { createProducer, MessageTooLargeError, RecordTooLargeError } from '../../operators';
import type { CompressionType } from '../../src/compression';
import type { Ack, ProducerRecord } from '../../src/types';
import { kafkaClusterFixture } from '../support/kafkaFixture';
import { ConsumedRecord, kcatConsume } from '../support/kcat';

const fixture = kafkaClusterFixture('too-large', { nodes: 1 });

/** The topics' max.message.bytes: a quarter of batchSize. */
const MAX_MESSAGE_BYTES = 4096;
const BATCH_SIZE = 16384;

interface Outcome {
  acks: Ack<number>[];
  read: ConsumedRecord[];
  splits: number;
}

/** Produces `records` (meta = index) idempotently with acks=all, 5 in flight, then reads the topic back with kcat. */
async function produce(topic: string, records: ProducerRecord<string | null, Buffer, number>[], compressionType: CompressionType = 'none'): Promise<Outcome> {
  const producer = createProducer({
    brokers: fixture.cluster.bootstrap,
    topic,
    acks: 'all',
    idempotence: true,
    maxInFlight: 5,
    batchSize: BATCH_SIZE,
    lingerMs: 20,
    compressionType,
    stopOnError: false,
  });
  try {
    const acks = await lastValueFrom(producer.produce<string | null, Buffer, number>(from(records)).pipe(toArray()));
    const splits = producer.sender.metrics.batchSplitTotal;
    // Every pooled buffer came back once (the parts' own buffers never go to the pool).
    expect(producer.metrics().bufferAvailableBytes).toBe(producer.config.bufferMemory);
    return { acks, read: await kcatConsume(fixture.cluster.bootstrap, topic, { timeoutMs: 60_000 }), splits };
  } finally {
    await producer.close();
  }
}

/**
 * Exactly the acked records are in the topic, each once, at its ack's partition and offset, byte
 * for byte, and each partition holds them in send order; the records in `tooLarge` failed with
 * MessageTooLargeError, alone. Returns the acked count.
 */
function expectDeliveredExceptTooLarge(o: Outcome, records: ProducerRecord<string | null, Buffer, number>[], tooLarge: number[]): number {
  expect(o.acks).toHaveLength(records.length);
  expect(o.acks.map((a) => a.meta).sort((a, b) => a! - b!)).toEqual(records.map((_, i) => i));
  const failed = o.acks.filter((a) => a.error !== undefined);
  expect(failed.map((a) => a.meta)).toEqual(tooLarge);
  for (const a of failed) {
    expect(a.error).toBeInstanceOf(MessageTooLargeError);
    expect(a.error).toBeInstanceOf(RecordTooLargeError);
    const e = a.error as MessageTooLargeError;
    expect([e.code, e.type, e.topic, e.partition, e.retriable]).toEqual([10, 'MESSAGE_TOO_LARGE', a.topic, a.partition, false]);
    expect(e.sizeBytes).toBeGreaterThan(MAX_MESSAGE_BYTES);
    expect(e.message).toMatch(/max\.message\.bytes/);
  }
  const acked = o.acks.filter((a) => a.error === undefined);
  const at = new Map(acked.map((a) => [`${a.partition}:${a.offset}`, a.meta!]));
  // Nothing lost, nothing duplicated, nothing that was not acked (the failed records included).
  expect(o.read).toHaveLength(acked.length);
  const lastMeta = new Map<number, number>();
  for (const r of o.read) {
    const meta = at.get(`${r.partition}:${r.offset}`);
    expect({ at: `${r.partition}:${r.offset}`, acked: meta !== undefined }).toEqual({ at: `${r.partition}:${r.offset}`, acked: true });
    const sent = records[meta!];
    expect(r.valueBytes!.equals(sent.value!)).toBe(true);
    expect(r.key).toBe(sent.key ?? null);
    // Each partition in send order (kcat reads a partition in offset order).
    expect(meta!).toBeGreaterThan(lastMeta.get(r.partition) ?? -1);
    lastMeta.set(r.partition, meta!);
  }
  return acked.length;
}

/** Value i: `v<i>` padded with dots to `bytes`. */
const padded = (i: number, bytes: number): Buffer => Buffer.from(`v${i}`.padEnd(bytes, '.'));

test('keyed: every batch refused as too large is split until Kafka takes it; one record too large alone fails alone, its same-key neighbours delivered around it', async () => {
  const topic = await fixture.newTopic(6, { 'max.message.bytes': MAX_MESSAGE_BYTES });
  const big = 2500;
  const records = Array.from({ length: 5000 }, (_, i) => ({ key: `k${i % 40}`, value: padded(i, i === big ? 6000 : 120), meta: i }));
  const o = await produce(topic, records);
  expect(o.splits).toBeGreaterThan(50); // nearly every batch was refused at least once
  expect(expectDeliveredExceptTooLarge(o, records, [big])).toBe(4999);
  // The big record's key-mates just before and after it are delivered, consecutively in their partition.
  const before = o.acks.find((a) => a.meta === big - 40)!;
  const after = o.acks.find((a) => a.meta === big + 40)!;
  expect([after.partition, o.acks.find((a) => a.meta === big)!.partition]).toEqual([before.partition, before.partition]);
  expect(o.read.find((r) => r.valueBytes!.length === 6000)).toBeUndefined();
});

test('keyless (sticky partitioner): every record acked once at its offset, in order; the one too large alone fails alone', async () => {
  const topic = await fixture.newTopic(6, { 'max.message.bytes': MAX_MESSAGE_BYTES });
  const big = 1234;
  const records = Array.from({ length: 4000 }, (_, i) => ({ key: null, value: padded(i, i === big ? 5000 : 200), meta: i }));
  const o = await produce(topic, records);
  expect(o.splits).toBeGreaterThan(20);
  expect(expectDeliveredExceptTooLarge(o, records, [big])).toBe(3999);
  expect(new Set(o.read.map((r) => r.partition)).size).toBeGreaterThan(1);
});

test('lz4: batches still too large once compressed are split and compressed again', async () => {
  const topic = await fixture.newTopic(6, { 'max.message.bytes': MAX_MESSAGE_BYTES });
  // Random bytes as base64: lz4 saves about a quarter, so a 16 KiB batch stays far above 4 KiB.
  const records = Array.from({ length: 3000 }, (_, i) => ({ key: `k${i % 30}`, value: Buffer.from(`v${i}:${randomBytes(150).toString('base64')}`), meta: i }));
  const o = await produce(topic, records, 'lz4');
  expect(o.splits).toBeGreaterThan(10);
  expect(expectDeliveredExceptTooLarge(o, records, [])).toBe(3000);
});
