import { BatchCompressor } from '../../src/accumulator/BatchCompressor';
import { type CompressionCodec, createCodec } from '../../src/compression';
import { decodeRecordBatches } from '../../src/protocol/RecordBatchDecoder';
import { ProducerBatch } from '../../src/accumulator/ProducerBatch';

const zstd = createCodec('zstd', { gzip: -1, lz4: 9, zstd: 3 })!;

/** A zstd codec whose thread-pool calls finish when the test says, in any order. */
function controlledCodec(offLoopMinBytes: number) {
  const finish: Array<() => void> = [];
  const codec: CompressionCodec = {
    ...zstd,
    offLoopMinBytes,
    compress: (records) => new Promise<Buffer>((resolve) => finish.push(() => resolve(zstd.compressSync(records)))),
  };
  return { codec, finish };
}

function batch(codec: CompressionCodec | null, partition = 0): ProducerBatch {
  const b = ProducerBatch.open('t', partition, 0, Buffer.alloc(32 * 1024), codec);
  for (let i = 0; i < 100; i++) b.append(i, Buffer.from(`k${i}`), Buffer.from(`{"n":${i},"text":"some repeated words, some repeated words"}`), null, i);
  b.close();
  return b;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchCompressor', () => {
  it('hands a cheap batch on at once, to be compressed when the sender drains it', () => {
    const out: ProducerBatch[] = [];
    const b = batch(createCodec('gzip', { gzip: -1, lz4: 9, zstd: 3 })); // 32 KiB at most: below gzip's 64 KiB
    new BatchCompressor((x) => out.push(x)).submit(b);
    expect(out).toEqual([b]);
    expect(b.needsCompression).toBe(true);
    expect(decodeRecordBatches(b.records())[0]).toMatchObject({ compression: 1, crcValid: true });
  });

  it('compresses a costly batch off the event loop (zstd: on its worker thread) before handing it on', async () => {
    const out: ProducerBatch[] = [];
    const slow = createCodec('zstd', { gzip: -1, lz4: 9, zstd: 19 })!; // level 19: always off the loop
    const b = batch(slow);
    const compressor = new BatchCompressor((x) => out.push(x));
    compressor.submit(b);
    expect(out).toEqual([]);
    expect(compressor.pendingCount).toBe(1);
    while (out.length === 0) await flush();
    expect(b.needsCompression).toBe(false);
    expect(compressor.pendingCount).toBe(0);
    expect(decodeRecordBatches(b.records())[0]).toMatchObject({ compression: 4, recordsCount: 100, crcValid: true });
  });

  it('keeps submission order: later batches wait for an earlier one still compressing', async () => {
    const out: ProducerBatch[] = [];
    const { codec: offLoop, finish } = controlledCodec(0);
    const compressor = new BatchCompressor((x) => out.push(x));
    const first = batch(offLoop);
    const second = batch(createCodec('gzip', { gzip: -1, lz4: 9, zstd: 3 })); // cheap (below gzip's 64 KiB), but behind `first`
    const third = batch(offLoop);
    const uncompressed = batch(null);
    for (const b of [first, second, third, uncompressed]) compressor.submit(b);
    expect(out).toEqual([]);
    finish[1](); // the third finishes first
    await flush();
    expect(out).toEqual([]);
    finish[0]();
    await flush();
    expect(out).toEqual([first, second, third, uncompressed]);
    expect(compressor.pendingCount).toBe(0);
    // And the queue starts over cleanly.
    const next = batch(null);
    compressor.submit(next);
    expect(out[4]).toBe(next);
  });

  it('a batch the codec fails on goes on uncompressed, in its place, and the failure is reported', async () => {
    const out: ProducerBatch[] = [];
    const errors: unknown[] = [];
    const failing: CompressionCodec = { ...zstd, offLoopMinBytes: 0, compress: () => Promise.reject(new Error('pool gone')) };
    const compressor = new BatchCompressor((x) => out.push(x), (_b, e) => errors.push(e));
    const b = batch(failing);
    compressor.submit(b);
    while (out.length === 0) await flush();
    expect((errors[0] as Error).message).toBe('pool gone');
    expect(decodeRecordBatches(b.records())[0]).toMatchObject({ compression: 0, recordsCount: 100, crcValid: true });
  });
});
