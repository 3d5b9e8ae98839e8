// Compressed batches end to end on the real mock cluster (RXKAFKA_MOCK_VERSION: the stock 2.0.2
// broker, and the strict 2.12 one that checks every batch's CRC and the idempotent sequences):
// for each codec, what rxkafka compressed is read back by kcat with check.crcs=true — librdkafka's
// own decompressors — and every record, key, header and timestamp is where its ack says, in ack
// order per partition. The CLI's --compression is proven the same way.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { lastValueFrom, from, toArray } from 'rxjs';
import { accumulate, createProducer, partition, send, serialize } from '../../operators';
import { CODEC_IDS, type CodecName } from '../../src/compression';
import { zstdWorkers } from '../../src/compression/ZstdWorkers';
import type { ProducerBatch } from '../../src/accumulator/ProducerBatch';
import type { Ack, ProducerRecord, RecordMetadata } from '../../src/types';
import { kcatConsume } from '../support/kcat';
import { MockCluster } from '../support/MockCluster';

const CODECS: CodecName[] = ['gzip', 'snappy', 'lz4', 'zstd'];
const CLI = path.resolve(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

let cluster: MockCluster;
beforeAll(async () => void (cluster = await MockCluster.start({ brokers: 3 })));
afterAll(() => cluster?.stop());

/** Topics made so far: each test writes to its own. */
const topics: string[] = [];
async function newTopic(partitions: number): Promise<string> {
  topics.push(`compression-${process.pid}-${topics.length}`);
  await cluster.createTopic(topics[topics.length - 1], partitions, 1);
  return topics[topics.length - 1];
}

function ok<M>(acks: Ack<M>[]): RecordMetadata<M>[] {
  for (const a of acks) if (a.error !== undefined) throw a.error;
  return acks as RecordMetadata<M>[];
}

/** Records with every shape: keyed and keyless, tombstones, headers (one with a null value), explicit timestamps. */
function mixedRecords(n: number, valueBytes: number): ProducerRecord<string | null, string | null, number>[] {
  const filler = 'the quick brown fox jumps over the lazy dog '.repeat(Math.ceil(valueBytes / 44));
  return Array.from({ length: n }, (_, i) => ({
    key: i % 10 === 0 ? null : `k${i % 13}`,
    value: i % 50 === 7 ? null : `{"i":${i},"text":"${filler.slice(0, valueBytes - 20 - String(i).length)}"}`,
    headers: i % 4 === 0 ? { trace: `t-${i}`, empty: null } : undefined,
    timestamp: 1_700_000_000_000 + i,
    meta: i,
  }));
}

/**
 * Produces `records` through the public stages, noting the codec id each batch went out with, then
 * reads the topic back with kcat and checks every record against its ack.
 */
async function produceAndVerify(
  codec: CodecName,
  topic: string,
  records: ProducerRecord<string | null, string | null, number>[],
  options: { batchSize?: number; lingerMs?: number; compressionZstdLevel?: number } = {},
) {
  const producer = createProducer({ brokers: cluster.bootstrap, topic, compressionType: codec, ...options });
  const codecIds: number[] = [];
  /** Per batch reaching the sender: whether it still had to be compressed there. */
  const compressedBySender: boolean[] = [];
  const toSender = producer.sender.enqueue.bind(producer.sender);
  producer.sender.enqueue = (batch: ProducerBatch) => {
    compressedBySender.push(batch.needsCompression);
    // The attributes of the batch as it is sent (reading them seals it now, as the drain would).
    codecIds.push(batch.records().readInt16BE(21) & 0x07);
    toSender(batch);
  };
  const acks = ok(
    await lastValueFrom(
      from(records).pipe(
        serialize<string | null, string | null, number>({ topic }),
        partition<number>(producer),
        accumulate(producer),
        send<number>(producer),
        toArray(),
      ),
    ),
  );
  await producer.close();

  expect(acks).toHaveLength(records.length);
  expect(codecIds.length).toBeGreaterThan(0);
  expect(new Set(codecIds)).toEqual(new Set([CODEC_IDS[codec]]));

  const read = await kcatConsume(cluster.bootstrap, topic); // check.crcs=true: a bad CRC rejects
  expect(read).toHaveLength(records.length);
  const at = new Map(read.map((r) => [`${r.partition}:${r.offset}`, r]));
  const lastOffset = new Map<number, bigint>();
  for (const ack of acks) {
    const sent = records[ack.meta!];
    const got = at.get(`${ack.partition}:${ack.offset}`);
    expect(got).toBeDefined();
    expect({ meta: ack.meta, key: got!.key, value: got!.value, timestamp: got!.timestamp }).toEqual({
      meta: ack.meta,
      key: sent.key,
      value: sent.value,
      timestamp: sent.timestamp,
    });
    expect(got!.headers).toEqual(sent.headers === undefined ? [] : [['trace', `t-${ack.meta}`], ['empty', null]]);
    // Acks of a partition come in offset order: the log holds them in the order they were sent.
    const prev = lastOffset.get(ack.partition);
    if (prev !== undefined) expect(ack.offset).toBeGreaterThan(prev);
    lastOffset.set(ack.partition, ack.offset);
  }
  return { acks, codecIds, compressedBySender };
}

describe.each(CODECS)('compressionType %s on the mock cluster', (codec) => {
  it('kcat (check.crcs) reads back every record, key, header and timestamp, in ack order per partition', async () => {
    const topic = await newTopic(3);
    await produceAndVerify(codec, topic, mixedRecords(3000, 120), { lingerMs: 20 });
  });

  it('large batches (256 KiB: several lz4 blocks and snappy chunks per batch) read back too', async () => {
    const topic = await newTopic(2);
    const { codecIds } = await produceAndVerify(codec, topic, mixedRecords(2000, 600), { batchSize: 256 * 1024, lingerMs: 50 });
    expect(codecIds.length).toBeLessThan(20); // big batches indeed
  });
});

describe('compression on the thread pool (BatchCompressor in front of the sender)', () => {
  it('zstd level 19 (every batch off the loop), 256 KiB batches: all read back, in ack order per partition', async () => {
    const topic = await newTopic(3);
    const { compressedBySender } = await produceAndVerify('zstd', topic, mixedRecords(3000, 300), { batchSize: 256 * 1024, lingerMs: 20, compressionZstdLevel: 19 });
    expect(compressedBySender.every((left) => !left)).toBe(true);
  });

  it('zstd compresses on worker threads that the producer holds while open and stops at close', async () => {
    const topic = await newTopic(2);
    const producer = createProducer({ brokers: cluster.bootstrap, topic, compressionType: 'zstd', lingerMs: 5 });
    const acks = ok(await lastValueFrom(producer.produce(from(mixedRecords(2000, 300))).pipe(toArray())));
    expect(acks).toHaveLength(2000);
    // Idle now, but held: kept for the next batch rather than started again.
    expect(zstdWorkers.threadCount).toBeGreaterThan(0);
    await producer.close();
    expect(zstdWorkers.threadCount).toBe(0);
    expect(await kcatConsume(cluster.bootstrap, topic)).toHaveLength(2000);
  });

  it('gzip with 512 KiB batches (off the loop) mixed with small lingered ones (on it)', async () => {
    const topic = await newTopic(6);
    const { compressedBySender } = await produceAndVerify('gzip', topic, mixedRecords(4000, 400), { batchSize: 512 * 1024, lingerMs: 5 });
    expect(compressedBySender).toContain(false); // some were big enough for the thread pool
  });
});

/** Runs the built CLI with `stdin` to its end (the mock is another process: blocking here is fine). */
function runCli(args: string[], stdin: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input: stdin, encoding: 'utf8', timeout: 60000 });
  if (r.error !== undefined) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the CLI', () => {
  it('negotiates Produce v7 or later with this mock, as zstd needs', async () => {
    const r = runCli(['metadata', '--brokers', cluster.bootstrap], '');
    expect(r.code).toBe(0);
    const produce = (JSON.parse(r.stdout).apiVersions as Array<{ apiKey: number; used: number | null }>).find((a) => a.apiKey === 0);
    expect(produce!.used).toBeGreaterThanOrEqual(7);
  });

  it.each(CODECS)('rxkafka produce --compression %s: kcat reads back every line', async (codec) => {
    const topic = await newTopic(2);
    const lines = Array.from({ length: 1500 }, (_, i) => `{"line":${i},"payload":"${'abc'.repeat(20)}"}`);
    const level = codec === 'snappy' ? [] : ['--compression-level', codec === 'gzip' ? '9' : codec === 'lz4' ? '9' : '-5'];
    const r = runCli(['produce', '--brokers', cluster.bootstrap, '--topic', topic, '--compression', codec, ...level], lines.join('\n') + '\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toMatchObject({ records: 1500, acked: 1500, failed: 0 });
    const read = await kcatConsume(cluster.bootstrap, topic);
    expect(read.map((x) => x.value).sort()).toEqual([...lines].sort());
  });

  it('rxkafka perf --compression zstd: every record acked and in the log', async () => {
    const topic = await newTopic(3);
    const r = runCli(['perf', '--brokers', cluster.bootstrap, '--topic', topic, '--num-records', '5000', '--record-size', '200', '--compression', 'zstd'], '');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!).records).toBe(5000);
    expect(await kcatConsume(cluster.bootstrap, topic)).toHaveLength(5000);
  });
});
