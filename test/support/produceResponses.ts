/**
 * What a broker answers to Produce and InitProducerId, and what a Produce request carried (decoded
 * from the bytes on the wire): for the tests that answer the fake cluster's requests themselves.
 */
import type { InitProducerIdResponse } from '../../src/protocol/InitProducerId';
import type { ProduceRequest, ProduceResponse } from '../../src/protocol/Produce';
import { decodeRecordBatches, type DecodedBatch, type DecodedRecord } from '../../src/protocol/RecordBatchDecoder';

/** A Produce response answering each partition of `req` as `partition` says. */
export function produceResponse(
  req: ProduceRequest,
  partition: (topic: string, p: ProduceRequest['topics'][number]['partitions'][number]) => { errorCode: number; baseOffset: bigint },
): ProduceResponse {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        index: p.index,
        ...partition(t.name, p),
        logAppendTimeMs: -1n,
        logStartOffset: 0n,
        recordErrors: [],
        errorMessage: null,
      })),
    })),
  };
}

/** Every partition appended at `baseOffset`. */
export function ok(req: ProduceRequest, baseOffset = 0n): ProduceResponse {
  return produceResponse(req, () => ({ errorCode: 0, baseOffset }));
}

/** Every partition refused with `errorCode`. */
export function withError(req: ProduceRequest, errorCode: number): ProduceResponse {
  return produceResponse(req, () => ({ errorCode, baseOffset: -1n }));
}

/** Per partition of a request, its error code (absent: NONE, appended at `baseOffset`). */
export function withErrors(req: ProduceRequest, codes: Record<number, number>, baseOffset = 0n): ProduceResponse {
  return produceResponse(req, (_t, p) => (codes[p.index] ? { errorCode: codes[p.index], baseOffset: -1n } : { errorCode: 0, baseOffset }));
}

export function initOk(producerId: bigint, producerEpoch: number, errorCode = 0): InitProducerIdResponse {
  return { throttleTimeMs: 0, errorCode, producerId, producerEpoch };
}

/** The records of every batch in a request, decoded. */
export function recordsOf(req: ProduceRequest): DecodedRecord[] {
  return req.topics.flatMap((t) => t.partitions.flatMap((p) => decodeRecordBatches(p.records).flatMap((b) => b.records)));
}

/** The record values of every batch in a request, decoded. */
export function valuesOf(req: ProduceRequest): string[] {
  return recordsOf(req).map((r) => r.value!.toString());
}

/** Bytes of the record batches in a request, as on the wire. */
export function batchBytes(req: ProduceRequest): number {
  let n = 0;
  for (const t of req.topics) for (const p of t.partitions) n += p.records.length;
  return n;
}

/** The batch headers of a request, by partition, decoded from the bytes on the wire (one valid batch each). */
export function batchesOf(req: ProduceRequest): Map<number, DecodedBatch> {
  const out = new Map<number, DecodedBatch>();
  for (const t of req.topics) {
    for (const p of t.partitions) {
      const decoded = decodeRecordBatches(p.records);
      expect(decoded).toHaveLength(1);
      expect(decoded[0].crcValid).toBe(true);
      out.set(p.index, decoded[0]);
    }
  }
  return out;
}

/** producerId/epoch/baseSequence of partition `p`'s batch in a request. */
export function stamp(req: ProduceRequest, p: number) {
  const b = batchesOf(req).get(p)!;
  return { producerId: b.producerId, epoch: b.producerEpoch, seq: b.baseSequence, values: b.records.map((r) => r.value!.toString()) };
}
