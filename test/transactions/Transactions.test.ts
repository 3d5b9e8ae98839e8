// The transactional producer's state machine and its sender hooks, with a fake cluster whose every
// request the test answers: AddPartitionsToTxn before a partition's first batch (one request per
// drain pass), batches marked transactional under the transactional id, abort failing unsent
// batches, fencing, abortable errors, and calls refused in the wrong state.
import { KafkaProtocolError, ProducerFencedError, TransactionAbortableError, TransactionAbortedError, TransactionStateError, TransactionTimeoutError } from '../../src/errors';
import { ErrorCode } from '../../src/protocol/errorCodes';
import { decodeRecordBatches } from '../../src/protocol/RecordBatchDecoder';
import { toKafkaTransactionally } from '../../operators/toKafkaTransactionally';
import { ok, withError } from '../support/produceResponses';
import { addOk, partitionsOf, setup, ticks } from './transactionsHarness';

describe('Transactions: the state machine', () => {
  it('refuses calls in the wrong state with a TransactionStateError that says what to do', async () => {
    const { txns, init } = setup();
    expect(() => txns.beginTransaction()).toThrow(/beginTransaction\(\) is not possible while the transactional producer is UNINITIALIZED: call initTransactions\(\) first/);
    await expect(txns.commitTransaction()).rejects.toBeInstanceOf(TransactionStateError);
    await expect(txns.abortTransaction()).rejects.toThrow(/call initTransactions\(\) first/);
    await init();
    expect(txns.state).toBe('READY');
    await expect(txns.initTransactions()).rejects.toThrow(/initTransactions\(\) is not possible while the transactional producer is READY/);
    await expect(txns.commitTransaction()).rejects.toThrow(/call beginTransaction\(\) first/);
    txns.beginTransaction();
    expect(txns.state).toBe('IN_TRANSACTION');
    expect(() => txns.beginTransaction()).toThrow(/commit or abort the current transaction first/);
  });

  it('a commit of an empty transaction sends no EndTxn (the coordinator does not know of it)', async () => {
    const { b, txns, init } = setup();
    await init();
    txns.beginTransaction();
    await txns.commitTransaction();
    expect(b.apis()).toEqual([]);
    expect(txns.state).toBe('READY');
  });

  it('retries InitProducerId on COORDINATOR_LOAD_IN_PROGRESS and CONCURRENT_TRANSACTIONS, and looks the coordinator up again after NOT_COORDINATOR', async () => {
    const { b, txns, scheduler } = setup();
    const done = txns.initTransactions();
    await ticks();
    b.take('FindCoordinator').resolve({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 1, host: 'h', port: 1 });
    for (const code of [ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.CONCURRENT_TRANSACTIONS, ErrorCode.NOT_COORDINATOR]) {
      await ticks();
      b.take('InitProducerId').resolve({ throttleTimeMs: 0, errorCode: code, producerId: -1n, producerEpoch: -1 });
      await ticks();
      scheduler.flush(); // the retry backoff
      await ticks();
    }
    b.take('FindCoordinator').resolve({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 1, host: 'h', port: 1 });
    await ticks();
    b.take('InitProducerId').resolve({ throttleTimeMs: 0, errorCode: 0, producerId: 7n, producerEpoch: 0 });
    await done;
    expect(txns.state).toBe('READY');
  });
});

describe('Transactions: timeouts', () => {
  it('initTransactions gives up after maxBlockMs with a retriable TransactionTimeoutError naming the last error, and may be called again', async () => {
    const { b, txns, scheduler } = setup(1000);
    const done = txns.initTransactions().catch((e: unknown) => e);
    // Backoffs 100, 200, 400 ms; the next (800 ms) would end past maxBlockMs.
    for (let attempt = 0; attempt < 4; attempt++) {
      await ticks();
      b.take('FindCoordinator').resolve({ throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: null, nodeId: -1, host: '', port: -1 });
      await ticks();
      scheduler.flush();
    }
    const err = await done;
    expect(err).toBeInstanceOf(TransactionTimeoutError);
    expect((err as TransactionTimeoutError).retriable).toBe(true);
    expect((err as Error).message).toMatch(/initTransactions\(\) did not complete within maxBlockMs=1000 \(last error: COORDINATOR_NOT_AVAILABLE.*call it again/);
    expect(txns.state).toBe('UNINITIALIZED');
    void txns.initTransactions();
    await ticks();
    expect(b.pending('FindCoordinator')).toBe(1);
  });
});

describe('Transactions: the sender', () => {
  it('adds partitions with one AddPartitionsToTxn per drain pass before their first batch, then sends them transactional', async () => {
    const { b, txns, enqueue, init } = setup();
    await init();
    txns.beginTransaction();
    enqueue(0, 'a');
    enqueue(1, 'b');
    await ticks();
    expect(b.pending('Produce')).toBe(0);
    const add = b.take('AddPartitionsToTxn');
    expect(add.req).toMatchObject({ transactionalId: 'tx-1', producerId: 42n, producerEpoch: 3 });
    expect(partitionsOf(add.req).sort()).toEqual(['t-0', 't-1']);
    add.resolve(addOk(add.req));
    await ticks();
    const produce = b.take('Produce');
    expect(produce.req.transactionalId).toBe('tx-1');
    for (const t of produce.req.topics) {
      for (const p of t.partitions) {
        const [decoded] = decodeRecordBatches(p.records);
        expect(decoded).toMatchObject({ isTransactional: true, producerId: 42n, producerEpoch: 3, baseSequence: 0 });
      }
    }
    produce.resolve(ok(produce.req));
    // A later batch of an added partition goes at once; a new partition is added first.
    enqueue(0, 'c');
    enqueue(2, 'd');
    await ticks();
    const next = b.take('Produce');
    expect(next.req.topics[0].partitions.map((p: { index: number }) => p.index)).toEqual([0]);
    const add2 = b.take('AddPartitionsToTxn');
    expect(partitionsOf(add2.req)).toEqual(['t-2']);
  });

  it('commit flushes, then EndTxn(commit); the next transaction adds its partitions again', async () => {
    const { b, txns, enqueue, sendOne } = setup();
    const { batch, produce } = await sendOne();
    const committed = txns.commitTransaction();
    await ticks();
    expect(b.pending('EndTxn')).toBe(0); // waits for the flush
    produce.resolve(ok(produce.req));
    await ticks();
    expect(batch.error).toBeNull();
    const end = b.take('EndTxn');
    expect(end.req).toEqual({ transactionalId: 'tx-1', producerId: 42n, producerEpoch: 3, committed: true });
    end.resolve({ throttleTimeMs: 0, errorCode: 0 });
    await committed;
    expect(txns.state).toBe('READY');
    txns.beginTransaction();
    enqueue(0);
    await ticks();
    expect(partitionsOf(b.take('AddPartitionsToTxn').req)).toEqual(['t-0']);
  });

  it('a batch refused as too large is split inside the transaction: transactional parts under the same id, epoch and sequences; the commit waits for them', async () => {
    const { b, txns, enqueue, init } = setup();
    await init();
    txns.beginTransaction();
    const batch = enqueue(0, ['a', 'b', 'c', 'd']);
    await ticks();
    const add = b.take('AddPartitionsToTxn');
    add.resolve(addOk(add.req));
    await ticks();
    const refused = b.take('Produce');
    refused.resolve(withError(refused.req, ErrorCode.MESSAGE_TOO_LARGE));
    await ticks();
    const committed = txns.commitTransaction();
    const stamps: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      await ticks();
      const part = b.take('Produce');
      expect(part.req.transactionalId).toBe('tx-1');
      const [d] = decodeRecordBatches(part.req.topics[0].partitions[0].records);
      stamps.push([d.isTransactional, d.producerId, d.producerEpoch, d.baseSequence, d.records.map((r) => r.value!.toString()).join('')]);
      expect(b.pending('EndTxn')).toBe(0); // the commit's flush waits for every part
      part.resolve(ok(part.req));
    }
    await ticks();
    expect(stamps).toEqual([
      [true, 42n, 3, 0, 'ab'],
      [true, 42n, 3, 2, 'cd'],
    ]);
    expect(batch.done).toBe(true);
    expect(b.pending('AddPartitionsToTxn')).toBe(0); // the partition is in the transaction already
    b.take('EndTxn').resolve({ throttleTimeMs: 0, errorCode: 0 });
    await committed;
    expect(txns.state).toBe('READY');
  });

  it('abort fails unsent batches with TransactionAbortedError, waits for those in flight, then EndTxn(abort)', async () => {
    const { b, txns, enqueue, sendOne } = setup();
    const { batch: sent, produce } = await sendOne();
    const unsent = enqueue(1); // its partition is not in the transaction yet
    const aborted = txns.abortTransaction();
    await ticks();
    expect(unsent.error).toBeInstanceOf(TransactionAbortedError);
    expect(b.pending('EndTxn')).toBe(0); // the batch in flight settles first
    produce.resolve(ok(produce.req));
    await ticks();
    expect(sent.error).toBeNull();
    const end = b.take('EndTxn');
    expect(end.req.committed).toBe(false);
    end.resolve({ throttleTimeMs: 0, errorCode: 0 });
    await aborted;
    expect(txns.state).toBe('READY');
    expect(b.pending('AddPartitionsToTxn')).toBe(0);
  });

  it('an abort waits for an AddPartitionsToTxn under way before EndTxn, so that the partition ends with this transaction', async () => {
    const { b, txns, enqueue, startOne } = setup();
    const { batch, add } = await startOne();
    const aborted = txns.abortTransaction();
    await ticks();
    expect(batch.error).toBeInstanceOf(TransactionAbortedError);
    expect(b.pending('EndTxn')).toBe(0);
    add.resolve(addOk(add.req));
    await ticks();
    b.take('EndTxn').resolve({ throttleTimeMs: 0, errorCode: 0 });
    await aborted;
    // The next transaction adds the partition again.
    txns.beginTransaction();
    enqueue(0);
    await ticks();
    expect(partitionsOf(b.take('AddPartitionsToTxn').req)).toEqual(['t-0']);
  });

  it('abortOngoing (close) aborts an open transaction, and does nothing without one', async () => {
    const { b, txns, sendOne } = setup();
    expect(txns.abortOngoing()).toBeUndefined();
    const { produce } = await sendOne();
    const aborting = txns.abortOngoing()!;
    expect(txns.state).toBe('ABORTING');
    produce.resolve(ok(produce.req));
    await ticks();
    b.take('EndTxn').resolve({ throttleTimeMs: 0, errorCode: 0 });
    await aborting;
    expect(txns.state).toBe('READY');
    expect(txns.abortOngoing()).toBeUndefined();
  });

  it('a failed batch makes the transaction abortable: commit rejects, the abort bumps the epoch (InitProducerId with the current id)', async () => {
    const { b, txns, txn, enqueue, sendOne } = setup();
    const { batch, produce } = await sendOne();
    produce.resolve(withError(produce.req, ErrorCode.INVALID_RECORD));
    await ticks();
    expect(batch.error).toBeInstanceOf(KafkaProtocolError);
    expect(txns.state).toBe('ABORTABLE_ERROR');
    const err = await txns.commitTransaction().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionAbortableError);
    expect((err as Error).message).toMatch(/cannot commit: a record could not be delivered \(INVALID_RECORD.*call abortTransaction\(\)/);
    // No record goes out meanwhile.
    const refused = enqueue(0);
    await ticks();
    expect(refused.error).toBeInstanceOf(TransactionAbortedError);
    const aborted = txns.abortTransaction();
    await ticks();
    b.take('EndTxn').resolve({ throttleTimeMs: 0, errorCode: 0 });
    await ticks();
    const bump = b.take('InitProducerId');
    expect(bump.req).toMatchObject({ transactionalId: 'tx-1', producerId: 42n, producerEpoch: 3 });
    bump.resolve({ throttleTimeMs: 0, errorCode: 0, producerId: 42n, producerEpoch: 4 });
    await aborted;
    expect([txns.state, txn.producerEpoch]).toEqual(['READY', 4]);
    // Sequences restart at 0 under the new epoch.
    txns.beginTransaction();
    enqueue(0);
    await ticks();
    const add2 = b.take('AddPartitionsToTxn');
    add2.resolve(addOk(add2.req));
    await ticks();
    const [decoded] = decodeRecordBatches(b.take('Produce').req.topics[0].partitions[0].records);
    expect([decoded.producerEpoch, decoded.baseSequence]).toEqual([4, 0]);
  });

  it('PRODUCER_FENCED on a batch is fatal: ProducerFencedError, queued batches fail with it, every call is refused', async () => {
    const { txns, enqueue, sendOne } = setup();
    const { produce } = await sendOne();
    produce.resolve(withError(produce.req, ErrorCode.PRODUCER_FENCED));
    await ticks();
    expect(txns.state).toBe('FATAL_ERROR');
    expect(txns.lastError).toBeInstanceOf(ProducerFencedError);
    const later = enqueue(1);
    await ticks();
    expect(later.error).toBeInstanceOf(ProducerFencedError);
    await expect(txns.commitTransaction()).rejects.toThrow(/can run no more transactions .*close it/);
    await expect(txns.abortTransaction()).rejects.toBeInstanceOf(TransactionStateError);
  });

  it('INVALID_PRODUCER_EPOCH from AddPartitionsToTxn (the coordinator) is fencing: fatal', async () => {
    const { txns, startOne } = setup();
    const { batch, add } = await startOne();
    add.resolve(addOk(add.req, ErrorCode.INVALID_PRODUCER_EPOCH));
    await ticks();
    expect(txns.state).toBe('FATAL_ERROR');
    expect(batch.error).toBeInstanceOf(ProducerFencedError);
  });

  it('INVALID_PRODUCER_EPOCH on a batch is abortable; the error tells a fence by another producer from an abort for the transaction\'s age', async () => {
    const young = setup();
    const one = await young.sendOne();
    one.produce.resolve(withError(one.produce.req, ErrorCode.INVALID_PRODUCER_EPOCH));
    await ticks();
    expect(young.txns.lastError).toBeInstanceOf(TransactionAbortableError);
    expect(young.txns.lastError!.message).toMatch(/another producer with transactionalId 'tx-1' has probably started and fenced this one/);

    const old = setup();
    const two = await old.sendOne();
    // The coordinator aborts a transaction older than transactionTimeoutMs (60000 here) and bumps the epoch.
    old.scheduler.frame += 60_500;
    two.produce.resolve(withError(two.produce.req, ErrorCode.INVALID_PRODUCER_EPOCH));
    await ticks();
    expect(old.txns.lastError).toBeInstanceOf(TransactionAbortableError);
    expect(old.txns.lastError!.message).toMatch(/open longer than transactionTimeoutMs=60000 \(60500 ms\), so the coordinator aborted it/);
  });

  it('PRODUCER_FENCED on EndTxn after transactionTimeoutMs: ProducerFencedError saying the coordinator aborted the transaction for its age', async () => {
    const { b, scheduler, txns, sendOne } = setup();
    const { produce } = await sendOne();
    produce.resolve(ok(produce.req));
    await ticks();
    scheduler.frame += 61_000;
    const commit = txns.commitTransaction();
    await ticks();
    b.take('EndTxn').resolve({ throttleTimeMs: 0, errorCode: ErrorCode.PRODUCER_FENCED });
    const err = await commit.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProducerFencedError);
    expect((err as Error).message).toMatch(/^producer fenced: the transaction has been open longer than transactionTimeoutMs=60000 \(61000 ms\)/);
    expect(txns.state).toBe('FATAL_ERROR');
  });

  it('a record outside a transaction fails with TransactionStateError', async () => {
    const { txns, enqueue, init } = setup();
    await init();
    const batch = enqueue(0);
    await ticks();
    expect(batch.error).toBeInstanceOf(TransactionStateError);
    expect(batch.error!.message).toMatch(/producing a record is not possible while the transactional producer is READY: call beginTransaction\(\) first/);
    expect(txns.state).toBe('READY');
  });
});

describe('toKafkaTransactionally', () => {
  it('refuses a config without transactionalId when called, before anything connects', () => {
    expect(() => toKafkaTransactionally({ brokers: 'localhost:1' })).toThrow(/'transactionalId': is required by toKafkaTransactionally/);
  });
});
