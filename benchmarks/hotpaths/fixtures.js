'use strict';
// Data shared by the cases: payloads of fixed sizes and content, keys, and full batches built
// through the real ProducerBatch (for the cases that start where a batch is already full).

/** A value of `bytes` bytes with a fixed, non-constant content. */
function payload(bytes) {
  const buf = Buffer.allocUnsafeSlow(bytes);
  for (let i = 0; i < bytes; i++) buf[i] = 32 + ((i * 7) % 90);
  return buf;
}

/** `count` distinct keys of the shape users write ('order-00042'), as strings. */
function keys(count) {
  return Array.from({ length: count }, (_, i) => `order-${String(i).padStart(5, '0')}`);
}

/** The timestamp every case stamps: a fixed ms-since-epoch, so that varlongs are the same size each run. */
const NOW_MS = 1_700_000_000_000;

/** The default batch.size (and the BufferPool's poolable size). */
const BATCH_BYTES = 16 * 1024;

/**
 * A closed ProducerBatch of `partition` filled with `valueBytes`-byte keyless records until the
 * next one does not fit in `batchBytes`, its CRC written (records() called once).
 */
function fullBatch(internals, topic, partition, valueBytes, batchBytes = BATCH_BYTES) {
  const { ProducerBatch } = internals.load('accumulator/ProducerBatch');
  const { recordSizeUpperBound } = internals.load('protocol/RecordBatch');
  const batch = ProducerBatch.open(topic, partition, NOW_MS, Buffer.allocUnsafe(batchBytes));
  const value = payload(valueBytes);
  const bound = recordSizeUpperBound(-1, valueBytes, null);
  for (let i = 0; batch.hasRoomFor(bound); i++) batch.append(NOW_MS + i, null, value, null, i);
  batch.close();
  batch.records();
  return batch;
}

/**
 * A Produce v9 response as a broker sends it, without the size prefix: response header v1
 * (correlation id, no tags), then every partition of one topic acknowledged at some offset.
 */
function produceResponse(internals, correlationId, partitions) {
  const { Writer } = internals.load('protocol/Writer');
  const w = new Writer(256);
  w.int32(correlationId).emptyTaggedFields();
  w.compactArrayLength(1).compactString('events').compactArrayLength(partitions);
  for (let p = 0; p < partitions; p++) {
    // index, error_code, base_offset, log_append_time_ms, log_start_offset, record_errors, error_message
    w.int32(p).int16(0).int64(BigInt(1_000_000 + p * 1000)).int64(-1n).int64(0n);
    w.compactArrayLength(0).compactString(null).emptyTaggedFields();
  }
  w.emptyTaggedFields().int32(0).emptyTaggedFields();
  return Buffer.from(w.toBuffer());
}

module.exports = { payload, keys, fullBatch, produceResponse, NOW_MS, BATCH_BYTES };
