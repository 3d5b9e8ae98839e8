import { VirtualTimeScheduler } from 'rxjs';
import type { ProducerConfig } from '../../src/config/config';
import { Producer } from '../../src/producer/Producer';
import type { ProduceRequest, ProduceResponse } from '../../src/protocol/Produce';
import { decodeRecordBatches, type DecodedRecord } from '../../src/protocol/RecordBatch';

export { advanceTo, tick } from '../support/virtualTime';

/**
 * A whole Producer (serialize → partition → accumulate → send, hooks and metrics) on a virtual
 * clock, its cluster replaced by one broker (node 1, leader of every partition of every topic)
 * whose Produce responses the test gives, request by request, at the virtual time it chooses.
 */

/** A Produce request the fake broker received and has not answered. */
export interface PendingProduce {
  req: ProduceRequest;
  /** Virtual time at which it was written. */
  atMs: number;
  resolve(response: ProduceResponse): void;
}

class FakeBroker {
  readonly requests: PendingProduce[] = [];
  isConnected = true;
  constructor(private readonly scheduler: VirtualTimeScheduler) {}
  send(_api: unknown, req: ProduceRequest): Promise<ProduceResponse> {
    return new Promise((resolve) => this.requests.push({ req, atMs: this.scheduler.now(), resolve }));
  }
  versionFor(): number {
    return 9;
  }
}

export function fakeClusterProducer(config: Partial<ProducerConfig>, partitions = 2) {
  const scheduler = new VirtualTimeScheduler();
  const producer = new Producer({ brokers: 'fake:9092', topic: 't', idempotence: false, acks: 1, ...config } as ProducerConfig, scheduler);
  const broker = new FakeBroker(scheduler);
  const topicInfo = (name: string) => ({
    name,
    errorCode: 0,
    isInternal: false,
    partitions: Array.from({ length: partitions }, (_, p) => ({ partition: p, leader: 1, leaderEpoch: 0, errorCode: 0, replicas: [1], isr: [1] })),
  });
  const node = { nodeId: 1, host: 'fake', port: 9092, rack: null };
  Object.assign(producer.cluster, {
    topic: topicInfo,
    waitForTopic: (name: string) => Promise.resolve(topicInfo(name)),
    leaderFor: () => node,
    connectedConnection: () => broker,
    connection: () => Promise.resolve(broker),
    requestUpdate: () => undefined,
  });
  return { scheduler, producer, broker };
}

/** Answers a request: every partition at `baseOffset` (or with `errorCodes[partition]`). */
export function answer(pending: PendingProduce, baseOffset = 0n, errorCodes: Record<number, number> = {}): void {
  pending.resolve({
    throttleTimeMs: 0,
    topics: pending.req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        index: p.index,
        errorCode: errorCodes[p.index] ?? 0,
        baseOffset: errorCodes[p.index] ? -1n : baseOffset,
        logAppendTimeMs: -1n,
        logStartOffset: 0n,
        recordErrors: [],
        errorMessage: null,
      })),
    })),
  });
}

/** Bytes of the record batches in a request, as on the wire. */
export function batchBytes(req: ProduceRequest): number {
  let n = 0;
  for (const t of req.topics) for (const p of t.partitions) n += p.records.length;
  return n;
}

/** The records of a request, decoded. */
export function recordsOf(req: ProduceRequest): DecodedRecord[] {
  return req.topics.flatMap((t) => t.partitions.flatMap((p) => decodeRecordBatches(p.records).flatMap((b) => b.records)));
}
