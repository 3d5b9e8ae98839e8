import { RECORD_BATCH_OVERHEAD, recordSizeUpperBound } from '../protocol/RecordBatch';
import { decodeRecordBatches } from '../protocol/RecordBatchDecoder';
import { ProducerBatch } from './ProducerBatch';

/**
 * Splitting a batch the broker refused with MESSAGE_TOO_LARGE (Java's ProducerBatch.split; the
 * sender puts the parts back with PartitionQueue's requeueSplit). The topic's `max.message.bytes`
 * (the broker's `message.max.bytes` by default) is below the batch, and the broker does not say by
 * how much, so the records are sent again in smaller batches:
 *
 * - Size: each part holds at most `min(batchSize, half the refused batch)` bytes, counted as the
 *   accumulator counts them (61-byte header plus each record's upper-bound size, uncompressed),
 *   and at least one record. Java splits a batch at `batchSize` the first time (its batches can
 *   outgrow `batchSize` when its compression-ratio estimate overfills them) and a batch that is
 *   itself a split at half its size (the KAFKA-8350 fix: at `batchSize` alone, a topic limit below
 *   `batchSize` was refused forever). rxkafka's batches never outgrow `batchSize` (records are
 *   written uncompressed into a buffer of at most `batchSize` and compressed when sealed), so a
 *   first split at `batchSize` would only rebuild the same batch: every split halves. Halving
 *   ends: a batch of n >= 2 records always gives at least two parts, each with fewer records, so
 *   after about log2(n) rounds at most only single records remain, and a single record still
 *   refused fails alone (MessageTooLargeError) — the sender never splits a batch of one record.
 * - Order and sequences: the parts carry the records in order; with idempotence they keep the
 *   batch's producer id, epoch and transactional flag, and carve its sequence range contiguously
 *   (the first part starts at the batch's base sequence), so the broker sees the same sequences it
 *   was about to see and batches after the range stay valid.
 * - Time and retries: the parts keep the batch's creation time, so the delivery deadline still
 *   bounds the whole; they count as never tried (attempts 0), as in Java: a split is not a retry.
 * - Compression: the parts use the batch's codec and are compressed again when the sender seals
 *   them; a compressed refused batch is decompressed to be split (the codec reads what it wrote).
 *   There is no compression-ratio estimate to reset: rxkafka fills batches by uncompressed size.
 * - Memory: the parts' buffers are their own, sized to their records, not the BufferPool's (which
 *   could not wait here); the refused batch's pooled buffer goes back to the pool when it is
 *   split. While parts are in flight the producer may so hold up to one batch beyond bufferMemory
 *   per split, as Java's split batches also live outside its pool.
 *
 * Returns the parts, closed, in record order; the caller checked `batch.recordCount >= 2`.
 */
export function splitBatch(batch: ProducerBatch, batchSize = Infinity): ProducerBatch[] {
  const decoded = decodeRecordBatches(batch.records());
  const records = decoded.length === 1 ? decoded[0].records : [];
  if (records.length !== batch.recordCount || records.length < 2) {
    throw new Error(`splitBatch: expected one batch of ${batch.recordCount} (>= 2) records, decoded ${records.length}`);
  }
  const n = records.length;
  const bounds = new Array<number>(n);
  let totalBytes = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    bounds[i] = recordSizeUpperBound(r.key === null ? -1 : r.key.length, r.value === null ? -1 : r.value.length, r.headers);
    totalBytes += bounds[i];
  }
  const limitBytes = splitLimitBytes(totalBytes, batchSize);
  const parts: ProducerBatch[] = [];
  for (let start = 0; start < n; ) {
    let end = start + 1;
    let sizeBytes = RECORD_BATCH_OVERHEAD + bounds[start];
    while (end < n && sizeBytes + bounds[end] <= limitBytes) sizeBytes += bounds[end++];
    const part = ProducerBatch.openPart(batch, Buffer.allocUnsafe(sizeBytes));
    for (let i = start; i < end; i++) {
      const r = records[i];
      part.append(batch.timestamps[i], r.key, r.value, r.headers.length > 0 ? r.headers : null, batch.metas[i]);
    }
    part.close();
    if (batch.baseSequence >= 0) {
      part.setProducerState(batch.producerId, batch.producerEpoch, sequenceAfter(batch.baseSequence, start), batch.transactional);
    }
    parts.push(part);
    start = end;
  }
  return parts;
}

/**
 * The most bytes (header included) a part of a split batch may hold: `batchSize`, or half the
 * batch when that is less, so that a split always makes progress. `recordsBytes` sums the
 * records' upper-bound sizes.
 */
export function splitLimitBytes(recordsBytes: number, batchSize: number): number {
  return Math.min(batchSize, RECORD_BATCH_OVERHEAD + Math.ceil(recordsBytes / 2));
}

/** `base + delta` in Kafka's int32 sequence space, which wraps to 0 (as IdempotenceManager assigns). */
function sequenceAfter(base: number, delta: number): number {
  const seq = base + delta;
  return seq > 0x7fffffff ? seq - 0x80000000 : seq;
}
