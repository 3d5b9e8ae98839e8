/**
 * The transactional producer on a fake cluster whose every request the test answers: a
 * Transactions, its IdempotenceManager and CoordinatorClient, and a Sender, as the Producer wires
 * them, on virtual time; helpers to get a transaction to its AddPartitionsToTxn or Produce request.
 */
import pino from 'pino';
import { VirtualTimeScheduler } from 'rxjs';
import { ProducerBatch } from '../../src/accumulator/ProducerBatch';
import { IdempotenceManager } from '../../src/idempotence/IdempotenceManager';
import { ExponentialBackoff } from '../../src/network/Backoff';
import type { AddPartitionsToTxnRequest } from '../../src/protocol/AddPartitionsToTxn';
import { Sender } from '../../src/sender/Sender';
import { CoordinatorClient } from '../../src/transactions/CoordinatorClient';
import { Transactions } from '../../src/transactions/Transactions';
import { type Call, FakeCluster, type FakeConnection } from '../support/fakeCluster';
import { tick } from '../support/virtualTime';

export type AnyCall = Call<any, any> & { api?: string }; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Node 1's requests not yet taken, by API, oldest first. Node 1 leads every partition and
 * coordinates everything; each request waits for the test's answer.
 */
export class PendingRequests {
  constructor(private readonly conn: FakeConnection) {}

  /** Removes and returns the oldest pending request of `api`. */
  take(api: string): AnyCall {
    const list = this.listOf(api);
    const i = list.findIndex((c) => c.api === undefined || c.api === api);
    if (i < 0) throw new Error(`no ${api} request; pending: ${this.apis().join(', ') || 'none'}`);
    return list.splice(i, 1)[0];
  }

  pending(api: string): number {
    return this.apis().filter((a) => a === api).length;
  }

  /** The API of every pending request. */
  apis(): string[] {
    return [...this.conn.requests.map(() => 'Produce'), ...this.conn.initRequests.map(() => 'InitProducerId'), ...this.conn.others.map((c) => c.api)];
  }

  private listOf(api: string): AnyCall[] {
    if (api === 'Produce') return this.conn.requests;
    if (api === 'InitProducerId') return this.conn.initRequests;
    return this.conn.others;
  }
}

export const silent = pino({ level: 'silent' });
export async function ticks(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await tick();
}

export function setup(maxBlockMs = 60000) {
  const scheduler = new VirtualTimeScheduler();
  const fake = new FakeCluster(scheduler);
  const cluster = fake.asCluster;
  const b = new PendingRequests(fake.conn);
  const backoff = (): ExponentialBackoff => new ExponentialBackoff(100, 1000, 2, 0.2, () => 0.5);
  const txn = new IdempotenceManager(cluster, backoff(), 10_000, silent, scheduler);
  const cfg = { acks: -1, maxInFlight: 5, maxRequestSize: 1 << 20, requestTimeoutMs: 30000, deliveryTimeoutMs: 10_000, retries: 2147483647 };
  const batches = new Set<ProducerBatch>();
  const flushWaiters: Array<() => void> = [];
  const host = {
    // As Producer.flush: resolves once every batch handed over so far is done.
    flush: (): Promise<void> => (batches.size === 0 ? Promise.resolve() : new Promise<void>((r) => flushWaiters.push(r))),
    // The sender is built after the transactions it takes (as in the Producer).
    wakeup: () => sender.wakeup(),
  };
  const txns = new Transactions(
    { transactionalId: 'tx-1', transactionTimeoutMs: 60000, maxBlockMs, deliveryTimeoutMs: 10_000 },
    txn,
    new CoordinatorClient(cluster, backoff(), silent, scheduler),
    host,
    silent,
  );
  const sender = new Sender({ config: cfg, cluster, scheduler, logger: silent, retryBackoffMs: 100, retryBackoffMaxMs: 1000, idempotence: txn, transactions: txns, random: () => 0.5 });
  const enqueue = (partition: number, value: string | string[] = 'v'): ProducerBatch => {
    const batch = ProducerBatch.open('t', partition, 0, Buffer.alloc(256));
    for (const v of typeof value === 'string' ? [value] : value) batch.append(0, null, Buffer.from(v), null, v);
    batch.close();
    batches.add(batch);
    batch.listener = {
      onBatchDone: (done: ProducerBatch) => {
        batches.delete(done);
        if (batches.size === 0) for (const w of flushWaiters.splice(0)) w();
      },
      // As the Producer: the parts of a split batch are outstanding in its place.
      onBatchSplit: (split: ProducerBatch, parts: ProducerBatch[]) => {
        batches.delete(split);
        for (const part of parts) batches.add(part);
      },
    } as never;
    sender.enqueue(batch);
    return batch;
  };
  /** initTransactions(), answering FindCoordinator and InitProducerId. */
  const init = async (): Promise<void> => {
    const done = txns.initTransactions();
    await ticks();
    b.take('FindCoordinator').resolve({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 1, host: 'h', port: 1 });
    await ticks();
    const call = b.take('InitProducerId');
    expect(call.req).toMatchObject({ transactionalId: 'tx-1', transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    call.resolve({ throttleTimeMs: 0, errorCode: 0, producerId: 42n, producerEpoch: 3 });
    await done;
  };
  /** initTransactions, beginTransaction, and one batch of partition 0, up to its AddPartitionsToTxn request. */
  const startOne = async (): Promise<{ batch: ProducerBatch; add: AnyCall }> => {
    await init();
    txns.beginTransaction();
    const batch = enqueue(0);
    await ticks();
    return { batch, add: b.take('AddPartitionsToTxn') };
  };
  /** As startOne, then on to the batch's Produce request. */
  const sendOne = async (): Promise<{ batch: ProducerBatch; produce: AnyCall }> => {
    const { batch, add } = await startOne();
    add.resolve(addOk(add.req));
    await ticks();
    return { batch, produce: b.take('Produce') };
  };
  return { scheduler, b, sender, txns, txn, enqueue, init, startOne, sendOne };
}

export const partitionsOf = (req: AddPartitionsToTxnRequest): string[] => req.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p}`));

export function addOk(req: AddPartitionsToTxnRequest, code = 0) {
  return { throttleTimeMs: 0, topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p, errorCode: code })) })) };
}
