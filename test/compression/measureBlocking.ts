/**
 * How long compressing one full batch blocks the event loop, per codec and level (issue 5).
 * Not a test: run it by hand, alone on the machine if you can:
 *
 *   node -r ./test/soak/register.js test/compression/measureBlocking.ts [codec]
 *
 * For each batch size (16 KiB, the default batchSize, and 1 MiB) it fills a RecordBatch with
 * JSON events (~0.2 of their size under gzip) and times, median and max over the runs:
 * - sync: `codec.compressSync` of the records section — what sealing on the event loop costs;
 * - async on-loop: the part of `codec.compress` (thread pool; zstd's worker threads, held as a
 *   producer holds them) that still runs on the loop
 *   (dispatch, and framing once the pool is done), measured as the loop's busy time;
 * - async wall: from the call to the settled promise.
 */
import { performance } from 'node:perf_hooks';
import { createCodec, type CodecName, zstdReady } from '../../src/compression';
import { RecordBatchBuilder } from '../../src/protocol/RecordBatch';
import { jsonLines } from './referenceTools';

const CASES: Array<[CodecName, number]> = [
  ['gzip', 1], ['gzip', -1], ['gzip', 9],
  ['snappy', 0],
  ['lz4', 9],
  ['zstd', -5], ['zstd', 3], ['zstd', 9], ['zstd', 19],
];

function records(batchBytes: number): Buffer {
  const b = new RecordBatchBuilder(Buffer.alloc(batchBytes), 0);
  const lines = jsonLines(batchBytes).toString().split('\n');
  for (let i = 0; i < lines.length && b.hasRoomFor(lines[i].length + 40); i++) b.append(i, Buffer.from(`k${i % 50}`), Buffer.from(lines[i]), null);
  return Buffer.from(b.records);
}

function stats(ms: number[]): string {
  ms.sort((a, b) => a - b);
  return `${ms[ms.length >> 1].toFixed(3)} / ${ms[ms.length - 1].toFixed(3)}`;
}

async function main(): Promise<void> {
  await zstdReady();
  console.log('| batch | codec level | ratio | sync ms (median / max) | async on-loop ms | async wall ms |');
  console.log('|---|---|---|---|---|---|');
  for (const batchBytes of [16 * 1024, 1024 * 1024]) {
    const input = records(batchBytes);
    for (const [name, level] of CASES) {
      if (process.argv[2] !== undefined && process.argv[2] !== name) continue;
      const codec = createCodec(name, { gzip: level, lz4: level, zstd: level })!;
      const release = codec.retain?.() ?? ((): void => {});
      const runs = batchBytes < 100_000 ? 200 : name === 'zstd' && level >= 19 ? 5 : 20;
      for (let i = 0; i < 3; i++) codec.compressSync(input);
      const sync: number[] = [];
      let out = input;
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        out = codec.compressSync(input);
        sync.push(performance.now() - t);
      }
      const onLoop: number[] = [];
      const wall: number[] = [];
      for (let i = 0; i < runs; i++) {
        const before = performance.eventLoopUtilization();
        const t = performance.now();
        await codec.compress(input);
        wall.push(performance.now() - t);
        const elu = performance.eventLoopUtilization(before);
        onLoop.push(elu.active);
      }
      console.log(
        `| ${batchBytes / 1024} KiB | ${name}${name === 'snappy' ? '' : ` ${level}`} | ${(out.length / input.length).toFixed(2)} | ${stats(sync)} | ${stats(onLoop)} | ${stats(wall)} |`,
      );
      release();
    }
  }
}

void main();
