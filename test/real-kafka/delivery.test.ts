// Issue 10, delivery on Apache Kafka itself (4.4.0 and 3.9.2, one 3-node cluster, topics RF 3):
// what rxkafka acks is what Kafka's own console consumer and kcat read back — every ack at its
// partition and offset, keys, values and headers byte for byte, the ack's timestamp — for keyed and
// keyless records, every kind of header, acks 0 / 1 / all with and without idempotence (the batches
// as stored say which, by DumpLogSegments). Keyed records land where the Java producer puts the same
// keys, and where Kafka's published murmur2 values say. The largest record maxRequestSize allows is
// written; one byte more fails alone, typed. Codecs: deliveryCodecs.test.ts.
import { from, lastValueFrom, toArray } from 'rxjs';
import { RecordTooLargeError, toKafka } from '../../operators';
import type { ProducerConfig } from '../../src/config/config';
import type { Ack, ProducerRecord } from '../../src/types';
import { consoleConsume } from '../support/consoleConsumer';
import { consoleProduce } from '../support/consoleProducer';
import { dumpLog } from '../support/dumpLog';
import { kafkaClusterFixture } from '../support/kafkaFixture';
import { delivered, expectReadBack, mixedRecords, SentRecord } from '../support/readBack';
import { MURMUR2_VECTORS } from '../support/vectors';

const fixture = kafkaClusterFixture('delivery', { nodes: 3 });

function produce(records: SentRecord[], config: ProducerConfig): Promise<Ack<number>[]> {
  const withMeta = records.map((r, i): ProducerRecord<Buffer | null, Buffer | null, number> => ({ ...r, meta: i }));
  return lastValueFrom(from(withMeta).pipe(toKafka<Buffer | null, Buffer | null, number>(config), toArray()));
}

test('keyed and keyless records with every kind of header: both readers find each ack at its offset, byte for byte', async () => {
  const { cluster } = fixture;
  const topic = await fixture.newTopic(6);
  const sent = mixedRecords(3000);
  const acks = delivered(await produce(sent, { brokers: cluster.bootstrap, topic }));
  const { byJava } = await expectReadBack(cluster, topic, 6, sent, acks);
  // The shapes really went through (a reader that dropped them would fail above, but say so).
  expect(byJava.some((r) => r.key === null)).toBe(true);
  expect(byJava.some((r) => r.value === null)).toBe(true);
  expect(byJava.some((r) => r.headerBytes.length === 2 && r.headerBytes[0][0] === 'trace' && r.headerBytes[1][0] === 'trace')).toBe(true);
  expect(byJava.some((r) => r.headerBytes.some(([k, v]) => k === 'nul' && v === null))).toBe(true);
});

test("keyed records land where Java's producer puts the same keys, and where Kafka's published murmur2 values say", async () => {
  const { cluster } = fixture;
  const partitions = 7; // not a power of two: a wrong sign treatment of the hash shows
  const [ours, theirs] = [await fixture.newTopic(partitions), await fixture.newTopic(partitions)];
  const keys = [...MURMUR2_VECTORS.map(([k]) => k), 'ключ', '鍵🔑', '', 'tab\tkey', ...Array.from({ length: 200 }, (_, i) => `key-${i * 7919}`)];
  const records = keys.map((key) => ({ key, value: `v-${key}` }));
  const acks = delivered(
    await lastValueFrom(from(records.map((r, i) => ({ ...r, meta: i }))).pipe(toKafka<string, string, number>({ brokers: cluster.bootstrap, topic: ours }), toArray())),
  );
  await consoleProduce(cluster, theirs, records);
  const [byUs, byJava] = await Promise.all([
    consoleConsume(cluster, ours, { maxMessages: keys.length }),
    consoleConsume(cluster, theirs, { maxMessages: keys.length }),
  ]);
  const partitionOf = (rs: Array<{ key: string | null; partition: number }>): Map<string | null, number> => new Map(rs.map((r) => [r.key, r.partition]));
  const javaPartition = partitionOf(byJava);
  const ourPartition = partitionOf(byUs);
  for (const a of acks) {
    const key = keys[a.meta!];
    expect({ key, ack: a.partition, read: ourPartition.get(key) }).toEqual({ key, ack: javaPartition.get(key), read: javaPartition.get(key) });
  }
  // Kafka's UtilsTest values, independent of both clients: (murmur2 & 0x7fffffff) % partitions.
  for (const [key, hash] of MURMUR2_VECTORS) expect({ key, partition: ourPartition.get(key) }).toEqual({ key, partition: (hash & 0x7fffffff) % partitions });
  // The keys spread over every partition, so the comparison covered each.
  expect(new Set(javaPartition.values()).size).toBe(partitions);
});

describe.each([
  { acks: 'all' as const, idempotence: true },
  { acks: 'all' as const, idempotence: false },
  { acks: 1 as const, idempotence: false },
  { acks: 0 as const, idempotence: false },
])('acks=$acks, idempotence $idempotence', ({ acks, idempotence }) => {
  test('delivers every record; the stored batches carry a producer id and sequences only when idempotent', async () => {
    const { cluster } = fixture;
    const topic = await fixture.newTopic(3);
    const sent = mixedRecords(1500, (i) => `k${i % 11}`);
    const result = delivered(await produce(sent, { brokers: cluster.bootstrap, topic, acks, idempotence }));
    if (acks === 0) expect(result.every((a) => a.offset === -1n)).toBe(true);
    await expectReadBack(cluster, topic, 3, sent, result, { acksZero: acks === 0 });

    // Node 1 is a replica of every partition (RF 3 on 3 nodes), and the reads above waited for
    // the high watermark, so it holds every batch.
    const batches = await dumpLog(cluster, 1, topic, 3);
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.reduce((n, b) => n + b.count, 0)).toBe(1500);
    for (const b of batches) {
      expect(b.isValid).toBe(true);
      if (idempotence) {
        expect(b.producerId).toBeGreaterThanOrEqual(0n);
      } else {
        expect({ producerId: b.producerId, baseSequence: b.baseSequence }).toEqual({ producerId: -1n, baseSequence: -1 });
      }
    }
    if (idempotence) {
      // One producer id; per partition the sequences run on from 0 with the offsets, no gap.
      expect(new Set(batches.map((b) => b.producerId)).size).toBe(1);
      for (let p = 0; p < 3; p++) {
        let next = 0;
        for (const b of batches.filter((x) => x.partition === p)) {
          expect({ partition: p, baseSequence: b.baseSequence, baseOffset: b.baseOffset }).toEqual({ partition: p, baseSequence: next, baseOffset: BigInt(next) });
          next += b.count;
        }
      }
    }
  });
});

test('the largest record maxRequestSize allows is written (below the broker\'s max.message.bytes); one byte more fails alone with RecordTooLargeError', async () => {
  const { cluster } = fixture;
  const topic = await fixture.newTopic(2);
  // rxkafka (as Java) refuses a record whose batch could exceed maxRequestSize (default 1048576):
  // 61 bytes of batch header plus the record's upper bound — 21 bytes of fixed fields at their
  // widest, the key and value with their varint lengths (1 and 3 bytes here), 1 for the header
  // count. The broker's max.message.bytes (default 1048588 on 4.4 and 3.9) bounds the batch as
  // stored, which is at most that upper bound: so a record at exactly maxRequestSize must fit.
  const key = Buffer.from('big');
  const limitValueBytes = 1048576 - 61 - 21 - (1 + key.length) - 3 - 1;
  const small = (i: number): SentRecord => ({ key: Buffer.from(`s${i}`), value: Buffer.from(`small ${i}`), headers: [] });
  const sent: SentRecord[] = [small(0), { key, value: Buffer.alloc(limitValueBytes, 'L'), headers: [] }, { key, value: Buffer.alloc(limitValueBytes + 1, 'O'), headers: [] }, small(3)];
  const acks = await produce(sent, { brokers: cluster.bootstrap, topic, stopOnError: false });
  const tooLarge = acks.find((a) => a.meta === 2)!;
  expect(tooLarge.error).toBeInstanceOf(RecordTooLargeError);
  expect(tooLarge.error).toMatchObject({ option: 'maxRequestSize', limitBytes: 1048576, sizeBytes: 1048577 });
  const ok = delivered(acks.filter((a) => a.meta !== 2));
  const { byJava } = await expectReadBack(cluster, topic, 2, [sent[0], sent[1], sent[3]], ok.map((a) => ({ ...a, meta: a.meta === 3 ? 2 : a.meta })));
  expect(byJava.find((r) => r.key === 'big')?.valueBytes?.length).toBe(limitValueBytes);
});
