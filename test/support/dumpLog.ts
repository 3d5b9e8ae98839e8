/**
 * Record batches as one node stored them, read by Kafka's DumpLogSegments (kafka.sh dump-log) from
 * the node's data folder: what codec a batch was written with, whether it carries a producer id and
 * sequence (idempotence), and whether its CRC holds — facts no consumer shows.
 *
 * ```ts
 * const batches = await dumpLog(cluster, 1, topic, 6);
 * expect(batches.every((b) => b.codec === 'zstd' && b.isValid)).toBe(true);
 * ```
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KafkaCluster } from './KafkaCluster';

export interface StoredBatch {
  partition: number;
  baseOffset: bigint;
  lastOffset: bigint;
  count: number;
  /** -1 for a batch of a producer without idempotence. */
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  isTransactional: boolean;
  isControl: boolean;
  /** As DumpLogSegments names it: none, gzip, snappy, lz4, zstd. */
  codec: string;
  /** The batch's CRC matches its bytes. */
  isValid: boolean;
}

/** Every batch node `id` holds for partitions 0..partitions-1 of `topic` (it must be a replica of each). */
export async function dumpLog(cluster: KafkaCluster, id: number, topic: string, partitions: number): Promise<StoredBatch[]> {
  const files: Array<{ file: string; partition: number }> = [];
  for (let p = 0; p < partitions; p++) {
    const dir = path.join(cluster.dir, `data-${id}`, `${topic}-${p}`);
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.log')).sort()) files.push({ file: path.join(dir, f), partition: p });
  }
  const out = await cluster.tool('dump-log', ['--files', files.map((f) => f.file).join(',')], 120_000);
  const batches: StoredBatch[] = [];
  let partition = -1;
  for (const line of out.split('\n')) {
    if (line.startsWith('Dumping ')) {
      const file = line.slice('Dumping '.length).trim();
      partition = files.find((f) => f.file === file)?.partition ?? -1;
      continue;
    }
    if (!line.startsWith('baseOffset:')) continue;
    const field = (name: string): string => {
      const m = new RegExp(`(?:^| )${name}: (\\S+)`).exec(line);
      if (!m) throw new Error(`dump-log: no ${name} in '${line}'`);
      return m[1];
    };
    if (partition < 0) throw new Error(`dump-log: a batch before any 'Dumping <file>' line: ${line}`);
    batches.push({
      partition,
      baseOffset: BigInt(field('baseOffset')),
      lastOffset: BigInt(field('lastOffset')),
      count: Number(field('count')),
      producerId: BigInt(field('producerId')),
      producerEpoch: Number(field('producerEpoch')),
      baseSequence: Number(field('baseSequence')),
      isTransactional: field('isTransactional') === 'true',
      isControl: field('isControl') === 'true',
      codec: field('compresscodec').toLowerCase(),
      isValid: field('isvalid') === 'true',
    });
  }
  return batches;
}
