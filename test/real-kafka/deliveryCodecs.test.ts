// Issue 10, delivery on Apache Kafka itself (4.4.0 and 3.9.2, one 3-node cluster, topics RF 3),
// codec by codec: batches rxkafka compresses with gzip, snappy, lz4 and zstd (and none) are
// accepted by the broker (which decompresses them to validate), stored with that codec
// (DumpLogSegments says so, CRC valid), and read back by Kafka's console consumer and by kcat —
// every ack at its offset, byte for byte — including records at the largest size maxRequestSize
// allows, compressible or not.
import { from, lastValueFrom, toArray } from 'rxjs';
import { toKafka } from '../../operators';
import type { CompressionType } from '../../src/compression';
import type { ProducerRecord } from '../../src/types';
import { dumpLog, StoredBatch } from '../support/dumpLog';
import { kafkaClusterFixture } from '../support/kafkaFixture';
import { binaryBytes, delivered, expectReadBack, mixedRecords, SentRecord } from '../support/readBack';

const fixture = kafkaClusterFixture('delivery-codecs', { nodes: 3 });

// A record at maxRequestSize's limit (see delivery.test.ts for the arithmetic): batch header 61,
// the record's fixed fields at their widest 21, a 1-byte key length, a 3-byte value length, the
// header count 1. Its batch as stored is at most that, below max.message.bytes (1048588).
const BIG_KEY = Buffer.from('b');
const BIG_VALUE_BYTES = 1048576 - 61 - 21 - (1 + BIG_KEY.length) - 3 - 1;

describe.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as CompressionType[])('compressionType %s', (codec) => {
  test('every record read back by both readers at its offset; batches stored with the codec, CRCs valid', async () => {
    const { cluster } = fixture;
    const topic = await fixture.newTopic(3);
    const sent: SentRecord[] = mixedRecords(1200, (i) => `k${i % 13}`);
    // Random bytes do not compress: that batch goes as it is (rxkafka, as Java, keeps a batch
    // uncompressed when compressing would not shrink it). Repeated text shrinks to almost nothing.
    const incompressible = sent.length;
    sent.push({ key: BIG_KEY, value: binaryBytes(BIG_VALUE_BYTES, 7), headers: [] });
    sent.push({ key: BIG_KEY, value: Buffer.alloc(BIG_VALUE_BYTES, 'z'), headers: [] });
    const records = sent.map((r, i): ProducerRecord<Buffer | null, Buffer | null, number> => ({ ...r, meta: i }));
    // 16 KiB batches (Java's default), so that the codec is checked on many batches of many
    // records: at the default 256 KiB, each partition's 400 small records would make one batch.
    const acks = delivered(
      await lastValueFrom(
        from(records).pipe(toKafka<Buffer | null, Buffer | null, number>({ brokers: cluster.bootstrap, topic, compressionType: codec, batchSize: 16384 }), toArray()),
      ),
    );
    const { byJava } = await expectReadBack(cluster, topic, 3, sent, acks);
    expect(byJava.filter((r) => r.key === 'b').map((r) => r.valueBytes!.length)).toEqual([BIG_VALUE_BYTES, BIG_VALUE_BYTES]);

    // Node 1 holds every partition (RF 3 on 3 nodes), up to the high watermark the reads reached.
    const batches = await dumpLog(cluster, 1, topic, 3);
    expect(batches.reduce((n, b) => n + b.count, 0)).toBe(sent.length);
    const at = (meta: number) => acks.find((a) => a.meta === meta)!;
    const holds = (b: StoredBatch, meta: number): boolean => b.partition === at(meta).partition && b.baseOffset <= at(meta).offset && at(meta).offset <= b.lastOffset;
    for (const b of batches) {
      const batch = `${b.partition}@${b.baseOffset} (${b.count} records)`;
      expect({ batch, isValid: b.isValid }).toEqual({ batch, isValid: true });
      // A batch of a few small records may not shrink either (then it goes uncompressed); one of
      // many compressible records, or of the big repeated text, must.
      const expected = holds(b, incompressible) ? ['none'] : holds(b, incompressible + 1) || b.count >= 10 ? [codec] : [codec, 'none'];
      expect({ batch, codec: expected.includes(b.codec) ? expected[0] : b.codec }).toEqual({ batch, codec: expected[0] });
    }
    expect(batches.filter((b) => b.count >= 10).length).toBeGreaterThan(3);
  });
});
