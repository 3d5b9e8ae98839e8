/**
 * A Sender under test, without a broker: on the shared FakeCluster (fakeCluster.ts), whose Produce
 * and InitProducerId requests the test answers one by one, in virtual time; batches to enqueue and
 * steps of virtual time. Shared by the Sender's unit tests. The responses and the decoding of what
 * a request carried are in produceResponses.ts (re-exported here).
 */
import { VirtualTimeScheduler } from 'rxjs';
import pino from 'pino';
import { ExponentialBackoff } from '../../src/network/Backoff';
import { ProducerBatch } from '../../src/accumulator/ProducerBatch';
import { Sender } from '../../src/sender/Sender';
import type { SenderConfig } from '../../src/sender/SenderConfig';
import { IdempotenceManager } from '../../src/idempotence/IdempotenceManager';
import { FakeCluster } from './fakeCluster';
import { initOk, ok } from './produceResponses';
import { tick } from './virtualTime';

export { FakeCluster, FakeConnection, type Call } from './fakeCluster';
export { batchesOf, initOk, ok, stamp, valuesOf, withError, withErrors } from './produceResponses';

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
    ? new IdempotenceManager(cluster.asCluster, new ExponentialBackoff(100, 1000, 2, 0.2, () => 0.5), c.deliveryTimeoutMs, silent, scheduler)
    : null;
  const sender = new Sender({
    config: c,
    cluster: cluster.asCluster,
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
