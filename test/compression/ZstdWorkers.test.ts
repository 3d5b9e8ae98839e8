import { threadId } from 'node:worker_threads';
import { POSTED_BYTES_PER_WORKER, ZstdWorkers } from '../../src/compression/ZstdWorkers';
import { zstdCodec } from '../../src/compression/zstd';
import { ZSTD_WORKER_SOURCE } from '../../src/compression/zstdWorkerSource';
import { CompressionError } from '../../src/errors';
import { expectSameBytes, jsonLines } from './referenceTools';

/** The real worker program, which first exits with code 7 on a batch whose first byte is 0xEE. */
const CRASHING_SOURCE =
  "require('node:worker_threads').parentPort.on('message', (job) => { if (new Uint8Array(job.input)[0] === 0xee) process.exit(7); });\n" + ZSTD_WORKER_SOURCE;

describe('ZstdWorkers (zstd off the event loop)', () => {
  it('compresses on a worker thread, the same bytes as compressSync, and leaves no thread when unused', async () => {
    const workers = new ZstdWorkers(1);
    const input = jsonLines(200 * 1024);
    const result = await workers.compress(input, 3);
    expect(result.threadId).not.toBe(threadId);
    expectSameBytes(result.compressed, zstdCodec(3).compressSync(input));
    // No producer holds the workers: the thread is terminated once it has answered.
    expect(workers.threadCount).toBe(0);
  });

  it('the event loop runs while a large batch compresses: a setImmediate callback comes before the result', async () => {
    const codec = zstdCodec(9);
    const input = jsonLines(1024 * 1024);
    const order: string[] = [];
    const compressed = codec.compress(input).then((out) => {
      order.push('compressed');
      return out;
    });
    setImmediate(() => order.push('immediate'));
    const out = await compressed;
    expect(order).toEqual(['immediate', 'compressed']);
    expectSameBytes(codec.decompressSync(out), input);
  });

  it('keeps its threads while held, up to its size, and stops them when released', async () => {
    const workers = new ZstdWorkers(2);
    const release = workers.retain();
    const input = jsonLines(64 * 1024);
    const results = await Promise.all([workers.compress(input, 3), workers.compress(input, 3), workers.compress(input, 3)]);
    expect(new Set(results.map((r) => r.threadId)).size).toBe(2);
    expect(workers.threadCount).toBe(2);
    release();
    release(); // a second call does nothing
    expect(workers.threadCount).toBe(0);
    // Held again later: threads start anew.
    const again = workers.retain();
    expect((await workers.compress(input, 3)).threadId).not.toBe(threadId);
    expect(workers.threadCount).toBe(1);
    again();
  });

  it('gives a worker at most POSTED_BYTES_PER_WORKER of records; the others wait, and all are answered', async () => {
    const workers = new ZstdWorkers(1);
    const batchBytes = Math.floor(POSTED_BYTES_PER_WORKER / 2.5); // two fit, a third does not
    const inputs = [0, 1, 2, 3, 4].map((i) => Buffer.concat([Buffer.from(`batch ${i}\n`), jsonLines(batchBytes)]));
    const pending = inputs.map((input) => workers.compress(input, 1));
    expect([workers.postedCount, workers.waitingCount]).toEqual([2, 3]);
    const results = await Promise.all(pending);
    results.forEach((r, i) => expectSameBytes(zstdCodec().decompressSync(r.compressed), inputs[i]));
    expect(new Set(results.map((r) => r.threadId)).size).toBe(1);
    expect([workers.postedCount, workers.waitingCount, workers.threadCount]).toEqual([0, 0, 0]);
  });

  it('a crashed worker fails its batch with a CompressionError naming zstd, and the next batch gets a new worker', async () => {
    const workers = new ZstdWorkers(1, CRASHING_SOURCE);
    const release = workers.retain();
    const input = jsonLines(32 * 1024);
    const first = await workers.compress(input, 3);
    const poison = Buffer.from(input);
    poison[0] = 0xee;
    const crashed = await workers.compress(poison, 3).catch((err: unknown) => err);
    expect(crashed).toBeInstanceOf(CompressionError);
    expect((crashed as CompressionError).codec).toBe('zstd');
    expect((crashed as Error).message).toMatch(/^zstd compression failed: worker thread \d+ exited with code 7 while compressing 1 batch/);
    const next = await workers.compress(input, 3);
    expect(next.threadId).not.toBe(first.threadId);
    expectSameBytes(next.compressed, first.compressed);
    release();
  });
});
