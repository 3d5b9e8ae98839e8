/**
 * The delivery check of the real-Kafka tests: a topic read back by Kafka's own console consumer
 * and by kcat (CRC-checked), and compared with what was sent and acked — every ack at its
 * partition and offset, key, value and headers byte for byte, the ack's timestamp, keyed records on
 * the partition of Java's formula, and nothing else in the topic.
 *
 * ```ts
 * const acks = await lastValueFrom(from(records.map((r, i) => ({ ...r, meta: i }))).pipe(toKafka(config), toArray()));
 * await expectReadBack(cluster, topic, 6, records, acks);
 * ```
 */
import { partitionForKey } from '../../src/partitioners/keyPartition';
import type { Ack, RecordMetadata } from '../../src/types';
import { consoleConsume, ConsoleRecord } from './consoleConsumer';
import type { KafkaCluster } from './KafkaCluster';
import { ConsumedRecord, kcatConsume } from './kcat';

/** A record as sent (bytes, so that the comparison is exact); its meta is its index. */
export interface SentRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
}

export interface ReadBack {
  byJava: ConsoleRecord[];
  byKcat: ConsumedRecord[];
}

/** The acks, failing on the first failed one. */
export function delivered<M>(acks: Ack<M>[]): RecordMetadata<M>[] {
  for (const a of acks) if (a.error !== undefined) throw a.error;
  return acks as RecordMetadata<M>[];
}

/** A record's content as one comparable string (bytes in hex). */
function fingerprint(key: Buffer | null, value: Buffer | null, headers: Array<[string, Buffer | null]>): string {
  const hex = (b: Buffer | null): string => (b === null ? '-' : b.toString('hex'));
  return `${hex(key)}|${hex(value)}|${headers.map(([k, v]) => `${Buffer.from(k).toString('hex')}=${hex(v)}`).join(',')}`;
}

const sentFingerprint = (r: SentRecord): string => fingerprint(r.key, r.value, r.headers.map((h) => [h.key, h.value]));

/**
 * Reads `topic` with both readers and checks it holds exactly `sent`, each acked record where its
 * ack says (`acks[i].meta` is the index in `sent`). With `acksZero` the acks carry no offsets
 * (acks=0): then the records are matched by content instead. Returns what was read.
 */
export async function expectReadBack(
  cluster: KafkaCluster,
  topic: string,
  partitions: number,
  sent: SentRecord[],
  acks: RecordMetadata<number>[],
  opts: { acksZero?: boolean } = {},
): Promise<ReadBack> {
  expect(acks).toHaveLength(sent.length);
  expect(new Set(acks.map((a) => a.meta)).size).toBe(sent.length);
  // Java's consumer first: it waits for all the records, so once it has them the high watermark
  // covers them (with acks 0 or 1 it lags the acks until the followers catch up) and kcat, which
  // reads up to the high watermark it finds and stops, sees them all too.
  const byJava = await consoleConsume(cluster, topic, { maxMessages: sent.length, timeoutMs: 60_000 });
  const byKcat = await kcatConsume(cluster.liveBootstrap(), topic, { timeoutMs: 90_000 });
  expect(byJava).toHaveLength(sent.length);
  expect(byKcat).toHaveLength(sent.length);

  // Keyed records on Java's partition: toPositive(murmur2(key)) % partitions.
  for (const reader of [byJava, byKcat]) {
    for (const r of reader) {
      if (r.keyBytes !== null) expect({ key: r.key, partition: r.partition }).toEqual({ key: r.key, partition: partitionForKey(r.keyBytes, partitions) });
    }
  }

  // Java's consumer sees header values as bytes; kcat's JSON only as text (invalid UTF-8 replaced
  // alike on both sides of the comparison).
  const javaContent = (r: ConsoleRecord): string => fingerprint(r.keyBytes, r.valueBytes, r.headerBytes);
  const kcatContent = (r: ConsumedRecord): string =>
    `${fingerprint(r.keyBytes, r.valueBytes, [])}|${JSON.stringify(r.headers)}`;
  const kcatSent = (s: SentRecord): string =>
    `${fingerprint(s.key, s.value, [])}|${JSON.stringify(s.headers.map((h) => [h.key, h.value === null ? null : h.value.toString('utf8')]))}`;

  if (opts.acksZero) {
    // No offsets to look up, but the ack names the partition: each partition holds exactly the
    // records acked for it, in the order they were sent (meta order).
    for (let p = 0; p < partitions; p++) {
      const expected = acks.filter((a) => a.partition === p).map((a) => a.meta!).sort((x, y) => x - y).map((i) => sent[i]);
      expect(byJava.filter((r) => r.partition === p).map(javaContent)).toEqual(expected.map(sentFingerprint));
      expect(byKcat.filter((r) => r.partition === p).map(kcatContent)).toEqual(expected.map(kcatSent));
    }
    return { byJava, byKcat };
  }

  const at = <R extends { partition: number; offset: bigint }>(rs: R[]): Map<string, R> => new Map(rs.map((r) => [`${r.partition}:${r.offset}`, r]));
  const javaAt = at(byJava);
  const kcatAt = at(byKcat);
  const mismatches: string[] = [];
  for (const a of acks) {
    const s = sent[a.meta!];
    const where = `${a.partition}:${a.offset}`;
    const j = javaAt.get(where);
    const k = kcatAt.get(where);
    if (j === undefined || javaContent(j) !== sentFingerprint(s)) mismatches.push(`record ${a.meta} at ${where}: Java read ${j ? javaContent(j).slice(0, 200) : 'nothing'}`);
    if (k === undefined || kcatContent(k) !== kcatSent(s)) mismatches.push(`record ${a.meta} at ${where}: kcat read ${k ? kcatContent(k).slice(0, 200) : 'nothing'}`);
    if (j !== undefined && (j.timestampType !== 'create' || j.timestamp !== a.timestamp)) mismatches.push(`record ${a.meta} at ${where}: Java read timestamp ${j.timestampType} ${j.timestamp}, ack says ${a.timestamp}`);
    if (k !== undefined && k.timestamp !== a.timestamp) mismatches.push(`record ${a.meta} at ${where}: kcat read timestamp ${k.timestamp}, ack says ${a.timestamp}`);
    if (mismatches.length > 10) break;
  }
  expect(mismatches).toEqual([]);
  return { byJava, byKcat };
}

/** `length` bytes from `seed`, every value 0..255 but 0xEE (the console consumer's marker byte). */
export function binaryBytes(length: number, seed: number): Buffer {
  const b = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const v = x & 0xff;
    b[i] = v === 0xee ? 0xef : v;
  }
  return b;
}

const TEXT_KEYS = ['ключ', '鍵🔑', '', 'tab\tkey', 'colon:key', 'new\nline', 'ä'];

/**
 * `n` records of every shape a user sends, by index: null, binary, UTF-8 and empty keys; null
 * (keyed: rxkafka refuses a record with neither key nor value), empty, binary and multi-line UTF-8 values; no headers, a repeated header name, a null header
 * value, a binary one, an empty name.
 */
export function mixedRecords(n: number, keyOf: (i: number) => string = (i) => `k${i % 37}`): SentRecord[] {
  const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
  const records: SentRecord[] = [];
  for (let i = 0; i < n; i++) {
    const key = i % 10 === 0 ? null : i % 10 === 1 ? binaryBytes(3 + (i % 5), i) : i % 10 === 2 ? utf8(TEXT_KEYS[i % TEXT_KEYS.length]) : utf8(keyOf(i));
    const value =
      i % 25 === 3 ? null : i % 25 === 1 ? Buffer.alloc(0) : i % 7 === 0 ? binaryBytes(64, i + 1) : utf8(`v${i} ` + 'Grüße, 世界 🌍\ttab\nnext:line,'.repeat(i % 5));
    const headerSets: Array<SentRecord['headers']> = [
      [],
      [{ key: 'trace', value: utf8('a') }, { key: 'trace', value: utf8('b') }],
      [{ key: 'nul', value: null }],
      [{ key: 'bin', value: binaryBytes(16, i + 2) }],
      [{ key: '', value: utf8('empty name') }, { key: 'ünï', value: utf8('çödé') }],
      [{ key: 'n', value: utf8(String(i)) }],
    ];
    records.push({ key, value, headers: headerSets[i % headerSets.length] });
  }
  return records;
}
