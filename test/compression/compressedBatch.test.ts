// RecordBatch v2 with compression: the builder compresses the whole records section once, the
// header stays plain, the CRC covers the compressed bytes, and the decoder reads it back.
import { CODEC_IDS, type CodecName, createCodec } from '../../src/compression';
import { crc32c } from '../../src/protocol/crc32c';
import { RECORD_BATCH_OVERHEAD, RecordBatchBuilder, type RecordHeader } from '../../src/protocol/RecordBatch';
import { decodeRecordBatches } from '../../src/protocol/RecordBatchDecoder';
import { ProducerBatch } from '../../src/accumulator/ProducerBatch';
import { expectSameBytes, incompressible } from './referenceTools';

const CODECS: CodecName[] = ['gzip', 'snappy', 'lz4', 'zstd'];
const codecOf = (name: CodecName) => createCodec(name, { gzip: -1, lz4: 9, zstd: 3 })!;

interface Rec {
  ts: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[] | null;
}

function records(n: number): Rec[] {
  return Array.from({ length: n }, (_, i) => ({
    ts: 1_700_000_000_000 + i,
    key: i % 5 === 0 ? null : Buffer.from(`key-${i % 17}`),
    value: i % 11 === 0 ? null : Buffer.from(JSON.stringify({ id: i, user: `u${(i * 31) % 97}`, text: 'lorem ipsum dolor sit amet' })),
    headers: i % 3 === 0 ? [{ key: 'trace', value: Buffer.from(`t${i}`) }, { key: 'empty', value: null }] : null,
  }));
}

function build(recs: Rec[], codec: ReturnType<typeof codecOf> | null, size = 64 * 1024): RecordBatchBuilder {
  const b = new RecordBatchBuilder(Buffer.alloc(size), recs[0].ts, codec);
  for (const r of recs) b.append(r.ts, r.key, r.value, r.headers);
  return b;
}

describe.each(CODECS)('a %s RecordBatch', (name) => {
  const codec = codecOf(name);
  const recs = records(200);

  it('compresses the records section as one unit; header plain; CRC over the compressed bytes', () => {
    const plain = build(recs, null).bytes();
    const b = build(recs, codec);
    const uncompressedRecords = Buffer.from(b.records);
    const bytes = b.bytes();

    expect(b.compression).toBe(CODEC_IDS[name]);
    expect(bytes.readInt16BE(21) & 0x07).toBe(CODEC_IDS[name]); // attributes bits 0–2
    expect(bytes.readInt32BE(8)).toBe(bytes.length - 12); // batch_length
    expect(bytes.readInt32BE(57)).toBe(recs.length); // records_count stays in the plain header
    expect(bytes.readUInt32BE(17)).toBe(crc32c(bytes.subarray(21))); // CRC-32C over the compressed bytes
    // The records section is the codec's output for exactly the records the plain batch holds.
    expectSameBytes(uncompressedRecords, plain.subarray(RECORD_BATCH_OVERHEAD));
    expectSameBytes(codec.decompressSync(bytes.subarray(RECORD_BATCH_OVERHEAD)), uncompressedRecords);
    expect(bytes.length).toBeLessThan(plain.length / 2);
    // Only the attributes differ in the header fields the CRC covers (besides the CRC and length).
    expect(bytes.subarray(23, RECORD_BATCH_OVERHEAD)).toEqual(plain.subarray(23, RECORD_BATCH_OVERHEAD));
  });

  it('decodes to the same records as the uncompressed batch', () => {
    const [batch] = decodeRecordBatches(build(recs, codec).bytes());
    const [plain] = decodeRecordBatches(build(recs, null).bytes());
    expect(batch.crcValid).toBe(true);
    expect(batch.compression).toBe(CODEC_IDS[name]);
    expect(batch.recordsBytes).toBeLessThan(plain.recordsBytes);
    expect(batch.records).toEqual(plain.records);
    expect(batch.records[3].headers).toEqual([{ key: 'trace', value: Buffer.from('t3') }, { key: 'empty', value: null }]);
  });

  it('keeps the codec bits when producer state and the transactional flag are stamped after close', () => {
    const b = build(recs, codec);
    b.close();
    b.setProducerState(42n, 3, 100, true);
    const [batch] = decodeRecordBatches(b.bytes());
    expect(batch).toMatchObject({ compression: CODEC_IDS[name], isTransactional: true, producerId: 42n, baseSequence: 100, crcValid: true });
  });

  it('takes records compressed elsewhere (the thread pool) in close(compressed)', async () => {
    const b = build(recs, codec);
    b.close(await codec.compress(b.records));
    expectSameBytes(b.bytes(), build(recs, codec).bytes());
  });

  it('goes uncompressed (codec 0) when compressing would not make it smaller', () => {
    const r: Rec[] = [{ ts: 1, key: null, value: incompressible(3000), headers: null }];
    const b = build(r, codec);
    const [batch] = decodeRecordBatches(b.bytes());
    expect(batch.compression).toBe(0);
    expect(batch.crcValid).toBe(true);
    expectSameBytes(batch.records[0].value!, r[0].value!);
  });

  it('a corrupted compressed section is a decode error, and a flipped byte a CRC mismatch', () => {
    const bytes = Buffer.from(build(recs, codec).bytes());
    bytes[RECORD_BATCH_OVERHEAD + 2] ^= 0x55;
    let valid: boolean | undefined;
    try {
      valid = decodeRecordBatches(bytes)[0].crcValid;
    } catch (err) {
      expect((err as Error).message).toMatch(new RegExp(`${name} records of a batch do not decompress|length|count|bytes after`));
    }
    if (valid !== undefined) expect(valid).toBe(false);
  });
});

describe('ProducerBatch with a codec', () => {
  const codec = codecOf('zstd');
  const fill = (b: ProducerBatch) => {
    for (const r of records(100)) b.append(r.ts, r.key, r.value, r.headers, null);
  };

  it('close() leaves the compression to the seal: the first sizeInBytes or records() does it', () => {
    const b = ProducerBatch.open('t', 0, 0, Buffer.alloc(32 * 1024), codec);
    fill(b);
    const uncompressed = b.sizeInBytes;
    b.close();
    expect(b.needsCompression).toBe(true);
    expect(b.uncompressedRecordsBytes).toBe(uncompressed - RECORD_BATCH_OVERHEAD);
    expect(b.sizeInBytes).toBeLessThan(uncompressed / 2);
    expect(b.needsCompression).toBe(false);
    expect(decodeRecordBatches(b.records())[0]).toMatchObject({ compression: 4, recordsCount: 100, crcValid: true });
  });

  it('sealAsync compresses on the thread pool, to the bytes the synchronous seal writes', async () => {
    const a = ProducerBatch.open('t', 0, 0, Buffer.alloc(32 * 1024), codec);
    const b = ProducerBatch.open('t', 0, 0, Buffer.alloc(32 * 1024), codec);
    fill(a);
    fill(b);
    a.close();
    b.close();
    await a.sealAsync();
    expect(a.needsCompression).toBe(false);
    expectSameBytes(a.records(), b.records());
  });

  it('a codec failure in sealAsync leaves a valid uncompressed batch', async () => {
    const failing = { ...codec, compress: () => Promise.reject(new Error('no threads')) };
    const b = ProducerBatch.open('t', 0, 0, Buffer.alloc(32 * 1024), failing);
    fill(b);
    b.close();
    await expect(b.sealAsync()).rejects.toThrow('no threads');
    expect(decodeRecordBatches(b.records())[0]).toMatchObject({ compression: 0, recordsCount: 100, crcValid: true });
  });

  it('without a codec, nothing is left to compress after close()', async () => {
    const b = ProducerBatch.open('t', 0, 0, Buffer.alloc(32 * 1024));
    fill(b);
    b.close();
    expect(b.needsCompression).toBe(false);
    await b.sealAsync();
    expect(decodeRecordBatches(b.records())[0].compression).toBe(0);
  });
});
