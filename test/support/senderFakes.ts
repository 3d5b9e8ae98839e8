/**
 * A Sender under test, without a broker: fake connections whose Produce and InitProducerId
 * responses the test gives request by request, in virtual time; helpers to build batches and
 * responses and to read what a request carried. Shared by the Sender's unit tests.
 */
import { VirtualTimeScheduler } from 'rxjs';
import pino from 'pino';
import { ExponentialBackoff } from '../../src/network/Backoff';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../../src/protocol/InitProducerId';
import type { ProduceRequest, ProduceResponse } from '../../src/protocol/Produce';
import { decodeRecordBatches, DecodedBatch } from '../../src/protocol/RecordBatchDecoder';
import { ProducerBatch } from '../../src/accumulator/ProducerBatch';
import { Sender } from '../../src/sender/Sender';
import type { SenderConfig } from '../../src/sender/SenderConfig';
import { IdempotenceManager } from '../../src/idempotence/IdempotenceManager';
import { tick } from './virtualTime';

export interface Call<Req, Res> {
  req: Req;
  /** Virtual time at which the request was written. */
  atMs: number;
  resolve: (r: Res) => void;
  reject: (e: Error) => void;
}

/** A broker connection whose responses the test decides, request by request. */
export class FakeConnection {
  readonly requests: Array<Call<ProduceRequest, ProduceResponse>> = [];
  readonly initRequests: Array<Call<InitProducerIdRequest, InitProducerIdResponse>> = [];
  isConnected = true;
  /** The InitProducerId version negotiated (v3+ can bump an epoch). */
  initVersion = 4;
  /** The Produce version negotiated. */
  produceVersion = 9;
  constructor(private readonly scheduler: VirtualTimeScheduler) {}
  send(api: { name: string }, req: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const call = { req, atMs: this.scheduler.now(), resolve, reject };
      if (api.name === 'InitProducerId') this.initRequests.push(call as never);
      else this.requests.push(call as never);
    });
  }
  versionFor(api: { name: string }): number {
    return api.name === 'InitProducerId' ? this.initVersion : this.produceVersion;
  }
}

/** Leader of every partition is node 1 unless moved; one connection per node; counts metadata update requests. */
export class FakeCluster {
  leaders = new Map<string, number>();
  readonly conns = new Map<number, FakeConnection>();
  updates = 0;
  /** When set, connecting fails with this error (and nothing is connected). */
  connectError: Error | null = null;
  constructor(private readonly scheduler: VirtualTimeScheduler) {}
  /** Node 1's connection (where InitProducerId goes too). */
  get conn(): FakeConnection {
    return this.node(1);
  }
  node(id: number): FakeConnection {
    let c = this.conns.get(id);
    if (c === undefined) this.conns.set(id, (c = new FakeConnection(this.scheduler)));
    return c;
  }
  leaderFor(topic: string, partition: number) {
    const id = this.leaders.get(`${topic}-${partition}`) ?? 1;
    return id < 0 ? undefined : { nodeId: id, host: 'h', port: id, rack: null };
  }
  connectedConnection(nodeId: number) {
    return this.connectError === null ? this.node(nodeId) : undefined;
  }
  connection(nodeId: number) {
    return this.connectError === null ? Promise.resolve(this.node(nodeId)) : Promise.reject(this.connectError);
  }
  leastLoadedConnection() {
    return Promise.resolve(this.conn);
  }
  requestUpdate() {
    this.updates++;
  }
}

export const config: SenderConfig = {
  acks: -1,
  maxInFlight: 2,
  maxRequestSize: 1 << 20,
  requestTimeoutMs: 30000,
  deliveryTimeoutMs: 1000,
  retries: 2147483647,
};

export function batch(partition: number, nowMs = 0, values = ['v']): ProducerBatch {
  const b = ProducerBatch.open('t', partition, nowMs, Buffer.alloc(256));
  for (const v of values) b.append(nowMs, null, Buffer.from(v), null, v);
  b.close();
  return b;
}

export function ok(req: ProduceRequest, baseOffset = 0n): ProduceResponse {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        index: p.index,
        errorCode: 0,
        baseOffset,
        logAppendTimeMs: -1n,
        logStartOffset: 0n,
        recordErrors: [],
        errorMessage: null,
      })),
    })),
  };
}

export function withError(req: ProduceRequest, errorCode: number): ProduceResponse {
  const r = ok(req, -1n);
  for (const t of r.topics) for (const p of t.partitions) p.errorCode = errorCode;
  return r;
}

/** Per partition of a request, its error code (absent: NONE). */
export function withErrors(req: ProduceRequest, codes: Record<number, number>): ProduceResponse {
  const r = ok(req);
  for (const t of r.topics) for (const p of t.partitions) p.errorCode = codes[p.index] ?? 0;
  return r;
}

/** The record values of every batch in a request, decoded. */
export function valuesOf(req: ProduceRequest): string[] {
  return req.topics.flatMap((t) =>
    t.partitions.flatMap((p) => decodeRecordBatches(p.records).flatMap((b) => b.records.map((r) => r.value!.toString()))),
  );
}

/** The batch headers of a request, by partition, decoded from the bytes on the wire. */
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

export function initOk(producerId: bigint, producerEpoch: number, errorCode = 0): InitProducerIdResponse {
  return { throttleTimeMs: 0, errorCode, producerId, producerEpoch };
}


/**
 * Lets drain passes (microtasks) run, then the next `steps` timers (virtual time) one at a time,
 * each followed by the drain it triggers — so time advances no further than a real clock would.
 */
export async function settle(scheduler: VirtualTimeScheduler, steps = 1) {
  await tick();
  for (let i = 0; i < steps && scheduler.actions.length > 0; i++) {
    scheduler.maxFrames = scheduler.actions[0].delay;
    scheduler.flush();
    await tick();
  }
}


export const silent = pino({ level: 'silent' });

export function setup(
  cfg: Partial<SenderConfig> = {},
  opts: { idempotent?: boolean; onPartitionDrained?: (topic: string, partition: number) => void } = {},
) {
  const scheduler = new VirtualTimeScheduler();
  const cluster = new FakeCluster(scheduler);
  const c = { ...config, ...cfg };
  // random 0.5: no jitter, so backoffs are exactly 100, 200, 400, … ms.
  const idempotence = opts.idempotent
    ? new IdempotenceManager(cluster as never, new ExponentialBackoff(100, 1000, 2, 0.2, () => 0.5), c.deliveryTimeoutMs, silent, scheduler)
    : null;
  const sender = new Sender({
    config: c,
    cluster: cluster as never,
    scheduler,
    logger: silent,
    retryBackoffMs: 100,
    retryBackoffMaxMs: 1000,
    idempotence,
    onPartitionDrained: opts.onPartitionDrained,
    random: () => 0.5,
  });
  const done: ProducerBatch[] = [];
  const listen = (b: ProducerBatch) => {
    b.listener = { onBatchDone: (x) => done.push(x) };
    return b;
  };
  return { scheduler, cluster, sender, idempotence, done, listen };
}

/**
 * An idempotent sender past the first batch of `partitions`: InitProducerId answered with
 * `producerId` (epoch 0), then a batch `['first']` of each partition written and acked at offset 0.
 * Until the broker has acked one batch of a partition under our id it takes any sequence, so the
 * sender writes a partition's first batch alone (sequenceReset's mustWaitForFirstAck); after this,
 * the partition's batches are pipelined and its sequences continue at 1. The primer's request and
 * done batch are removed from `cluster.conn.requests` and `done`, so a test indexes from 0.
 */
export async function pastFirstBatch(s: ReturnType<typeof setup>, producerId: bigint, partitions: number[] = [0]): Promise<void> {
  for (const p of partitions) s.sender.enqueue(s.listen(batch(p, s.scheduler.now(), ['first'])));
  await tick();
  s.cluster.conn.initRequests[0].resolve(initOk(producerId, 0));
  await tick();
  for (const r of s.cluster.conn.requests) r.resolve(ok(r.req, 0n));
  await tick();
  if (s.done.length !== partitions.length || s.done.some((b) => b.error !== null)) throw new Error('pastFirstBatch: the primer batches were not acked');
  s.cluster.conn.requests.length = 0;
  s.done.length = 0;
}
