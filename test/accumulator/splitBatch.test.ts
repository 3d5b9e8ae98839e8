// splitBatch: the parts of a batch the broker refused as too large — exact sizes, record order,
// metas and timestamps, the sequence range carved contiguously under the same producer id, epoch
// and transactional flag, compression kept, and termination (halving until single records).
import { createCodec } from '../../src/compression';
import { RECORD_BATCH_OVERHEAD, recordSizeUpperBound } from '../../src/protocol/RecordBatch';
import { decodeRecordBatches } from '../../src/protocol/RecordBatchDecoder';
import { ProducerBatch } from '../../src/accumulator/ProducerBatch';
import { splitBatch, splitLimitBytes } from '../../src/accumulator/splitBatch';

/** A closed batch of `values`, record i with key `k<i>` (or none), timestamp 1000 + i, meta `m<i>`, a header on every third. */
function batchOf(values: string[], opts: { keyed?: boolean; codec?: 'gzip' | 'lz4'; createdMs?: number } = {}): ProducerBatch {
  const b = ProducerBatch.open('t', 2, opts.createdMs ?? 0, Buffer.alloc(1 << 16), opts.codec ? createCodec(opts.codec, { gzip: -1, lz4: 9, zstd: 3 }) : null);
  values.forEach((v, i) => b.append(1000 + i, opts.keyed ? Buffer.from(`k${i}`) : null, Buffer.from(v), i % 3 === 0 ? [{ key: 'h', value: Buffer.from(String(i).padStart(2, '0')) }] : null, `m${i}`));
  b.close();
  return b;
}

function decoded(part: ProducerBatch) {
  const d = decodeRecordBatches(part.records());
  expect(d).toHaveLength(1);
  expect(d[0].crcValid).toBe(true);
  return d[0];
}

const values = (n: number, bytes = 100): string[] => Array.from({ length: n }, (_, i) => String(i).padStart(bytes, 'x'));

describe('splitBatch', () => {
  it('halves the batch: parts of at most 61 bytes + half the records, in record order, with their metas and timestamps', () => {
    const b = batchOf(values(10), { keyed: true });
    const bound = recordSizeUpperBound(2, 100, null);
    const parts = splitBatch(b, 16384);
    expect(parts.map((p) => p.recordCount)).toEqual([5, 5]);
    const all = parts.flatMap((p) => decoded(p).records);
    expect(all.map((r) => r.value!.toString())).toEqual(values(10));
    expect(all.map((r) => r.key!.toString())).toEqual(values(10).map((_, i) => `k${i}`));
    expect(all.map((r) => r.timestampMs)).toEqual(values(10).map((_, i) => 1000 + i));
    expect(all.filter((r) => r.headers.length > 0).map((r) => r.headers[0].value!.toString())).toEqual(['00', '03', '06', '09']);
    expect(parts.flatMap((p) => p.metas)).toEqual(b.metas);
    expect(parts.flatMap((p) => p.timestamps)).toEqual(b.timestamps);
    for (const p of parts) {
      // Headered records are a few bytes larger: the limit is taken from the bounds actually summed.
      expect(p.buffer!.length).toBeLessThanOrEqual(RECORD_BATCH_OVERHEAD + 6 * bound);
      expect(p.sizeInBytes).toBeLessThanOrEqual(p.buffer!.length);
    }
  });

  it('parts keep the creation time (delivery deadline), count as never tried, and their memory is not the pool’s', () => {
    const b = batchOf(values(4), { createdMs: 1234 });
    b.attempts = 3;
    const parts = splitBatch(b);
    expect(parts.map((p) => [p.createdMs, p.attempts, p.pooled, p.closed, p.topic, p.partition])).toEqual([
      [1234, 0, false, true, 't', 2],
      [1234, 0, false, true, 't', 2],
    ]);
    expect(b.pooled).toBe(true);
  });

  it('never makes a part above batchSize: with a smaller batchSize, more parts', () => {
    const b = batchOf(values(12));
    const bound = recordSizeUpperBound(-1, 100, null);
    const batchSize = RECORD_BATCH_OVERHEAD + 3 * bound + 20; // room for 3 headerless records (+ the header bytes)
    const parts = splitBatch(b, batchSize);
    expect(parts.map((p) => p.recordCount)).toEqual([3, 3, 3, 3]);
    for (const p of parts) expect(p.sizeInBytes).toBeLessThanOrEqual(batchSize);
    expect(splitLimitBytes(1000, 16384)).toBe(RECORD_BATCH_OVERHEAD + 500);
    expect(splitLimitBytes(1001, 100)).toBe(100);
  });

  it('a record larger than half the batch goes alone; the others still share parts', () => {
    const b = batchOf(['a'.repeat(10), 'b'.repeat(1000), 'c'.repeat(10), 'd'.repeat(10)]);
    const parts = splitBatch(b);
    expect(parts.map((p) => p.metas)).toEqual([['m0'], ['m1'], ['m2', 'm3']]);
  });

  it('idempotence: the parts keep the producer id, epoch and transactional flag and carve the sequence range contiguously', () => {
    const b = batchOf(values(7));
    b.setProducerState(4242n, 7, 100, true);
    const parts = splitBatch(b, RECORD_BATCH_OVERHEAD + 2 * recordSizeUpperBound(-1, 100, null) + 20);
    expect(parts.map((p) => p.recordCount)).toEqual([2, 2, 2, 1]);
    expect(parts.map((p) => [p.producerId, p.producerEpoch, p.baseSequence, p.transactional])).toEqual([
      [4242n, 7, 100, true],
      [4242n, 7, 102, true],
      [4242n, 7, 104, true],
      [4242n, 7, 106, true],
    ]);
    // …as written on the wire, CRC included.
    expect(parts.map((p) => decoded(p)).map((d) => [d.producerId, d.producerEpoch, d.baseSequence, d.isTransactional, d.recordsCount])).toEqual([
      [4242n, 7, 100, true, 2],
      [4242n, 7, 102, true, 2],
      [4242n, 7, 104, true, 2],
      [4242n, 7, 106, true, 1],
    ]);
  });

  it('sequences wrap past 2^31 - 1 to 0, as the broker expects', () => {
    const b = batchOf(values(4));
    b.setProducerState(1n, 0, 0x7ffffffe, false);
    expect(splitBatch(b).map((p) => p.baseSequence)).toEqual([0x7ffffffe, 0]);
  });

  it('without idempotence the parts carry no producer state', () => {
    const parts = splitBatch(batchOf(values(4)));
    expect(parts.map((p) => decoded(p)).map((d) => [d.producerId, d.producerEpoch, d.baseSequence])).toEqual([
      [-1n, -1, -1],
      [-1n, -1, -1],
    ]);
  });

  it('a compressed batch is decompressed to be split; its parts are compressed with the same codec', () => {
    const b = batchOf(values(40, 200), { codec: 'gzip' });
    expect(decoded(b).compression).toBe(1);
    const parts = splitBatch(b);
    expect(parts.map((p) => p.recordCount)).toEqual([20, 20]);
    for (const p of parts) {
      expect(p.compressionType).toBe('gzip');
      const d = decoded(p);
      expect(d.compression).toBe(1);
      expect(p.sizeInBytes).toBeLessThan(b.sizeInBytes); // about half the compressed bytes
    }
    expect(parts.flatMap((p) => decoded(p).records.map((r) => r.value!.toString()))).toEqual(values(40, 200));
  });

  it('terminates: splitting whatever a broker with a 700-byte limit refuses ends in parts it takes, and single records over the limit', () => {
    const sizes = [50, 60, 900, 40, 30, 20, 700, 10, 10, 10, 300, 300, 300, 5];
    const b = batchOf(sizes.map((n, i) => String(i).padEnd(n, '.')));
    const limitBytes = 700;
    const accepted: ProducerBatch[] = [];
    const refusedAlone: ProducerBatch[] = [];
    let queue = [b];
    let rounds = 0;
    while (queue.length > 0) {
      rounds++;
      const next: ProducerBatch[] = [];
      for (const part of queue) {
        if (part.sizeInBytes <= limitBytes) accepted.push(part);
        else if (part.recordCount === 1) refusedAlone.push(part);
        else next.push(...splitBatch(part, 16384));
      }
      queue = next;
      expect(rounds).toBeLessThan(10);
    }
    expect(refusedAlone.map((p) => p.metas)).toEqual([['m2'], ['m6']]);
    // Every record exactly once, and in order once the refused ones are taken out.
    const delivered = accepted.flatMap((p) => p.metas);
    expect(delivered.sort()).toEqual(b.metas.filter((m) => m !== 'm2' && m !== 'm6').sort());
  });

  it('refuses a batch of one record (the sender fails it instead)', () => {
    expect(() => splitBatch(batchOf(['only']))).toThrow(/expected one batch of 1 \(>= 2\) records/);
  });
});
