// The transactional producer on the real mock cluster: initTransactions / begin / commit / abort,
// AddPartitionsToTxn before each partition's first batch, fencing by
// a second producer with the same transactional id, sendOffsetsToTransaction, and the reactive
// sendTransactionally / toKafkaTransactionally. Read back with kcat (read_uncommitted: the stock
// mock writes no markers; the read_committed proof is test/faults/transactions.test.ts).
import { concatMap, from, lastValueFrom, map, Observable, range, Subject, toArray } from 'rxjs';
import {
  createProducer,
  ProducerFencedError,
  TransactionAbortableError,
  TransactionStateError,
  toKafkaTransactionally,
  type ProducerRecord,
} from '../../operators';
import { Connection } from '../../src/network/Connection';
import { kcatConsume } from '../support/kcat';
import { mockClusterFixture } from '../support/clusterFixture';
import { ApiKey } from '../support/MockCluster';

const PRODUCER_FENCED = 90;
const INVALID_RECORD = 87;
const ILLEGAL_GENERATION = 22;
const TXN_OFFSET_COMMIT = 28;

const fixture = mockClusterFixture('txn');
let idSeq = 0;
const newTransactionalId = (): string => `txn-${process.pid}-${++idSeq}`;

function records(n: number, tag: string): Array<ProducerRecord<string, string, number>> {
  return Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `${tag}-${i}`, meta: i }));
}

describe('transactional producer on the mock cluster', () => {
  it('commits: every record acked, on every partition it touched, read back whole', async () => {
    const topic = await fixture.newTopic(4);
    const producer = createProducer({ brokers: fixture.cluster.bootstrap, topic, transactionalId: newTransactionalId() });
    try {
      await producer.initTransactions();
      producer.beginTransaction();
      const acks = await lastValueFrom(producer.produce(from(records(200, 'c'))).pipe(toArray()));
      await producer.commitTransaction();
      expect(acks).toHaveLength(200);
      expect(acks.every((a) => a.error === undefined)).toBe(true);
      expect(new Set(acks.map((a) => a.partition)).size).toBe(4);
    } finally {
      await producer.close();
    }
    const read = await kcatConsume(fixture.cluster.bootstrap, topic);
    expect(read.map((r) => r.value).sort()).toEqual(records(200, 'c').map((r) => r.value).sort());
  });

  it('abort before sending: queued records fail with TransactionAbortedError and never reach the log', async () => {
    const topic = await fixture.newTopic(2);
    // Every batch lingers (sendWhenIdle off): by default an idle partition would send at once.
    const producer = createProducer({ brokers: fixture.cluster.bootstrap, topic, transactionalId: newTransactionalId(), lingerMs: 60_000, sendWhenIdle: false, stopOnError: false });
    try {
      await producer.initTransactions();
      producer.beginTransaction();
      // An open source and lingerMs keep the batches open: the abort finds them unsent.
      const source = new Subject<ProducerRecord<string, string, number>>();
      const acks = lastValueFrom(producer.produce(source).pipe(toArray()));
      for (const r of records(10, 'a')) source.next(r);
      await new Promise((r) => setTimeout(r, 100));
      await producer.abortTransaction();
      source.complete();
      const settled = await acks;
      expect(settled).toHaveLength(10);
      expect(settled.map((a) => a.error?.name)).toEqual(Array(10).fill('TransactionAbortedError'));
      // The producer goes on with a new transaction.
      producer.beginTransaction();
      await lastValueFrom(producer.produce(from(records(5, 'b'))).pipe(toArray()));
      await producer.commitTransaction();
    } finally {
      await producer.close();
    }
    const read = await kcatConsume(fixture.cluster.bootstrap, topic);
    expect(read.map((r) => r.value).sort()).toEqual(records(5, 'b').map((r) => r.value).sort());
  });

  it('a record outside a transaction fails with TransactionStateError; commit without begin is refused', async () => {
    const topic = await fixture.newTopic(1);
    const producer = createProducer({ brokers: fixture.cluster.bootstrap, topic, transactionalId: newTransactionalId(), stopOnError: false });
    try {
      expect(() => producer.beginTransaction()).toThrow(/call initTransactions\(\) first/);
      await producer.initTransactions();
      await expect(producer.commitTransaction()).rejects.toThrow(/call beginTransaction\(\) first/);
      const [ack] = await lastValueFrom(producer.produce(from(records(1, 'x'))).pipe(toArray()));
      expect(ack.error).toBeInstanceOf(TransactionStateError);
    } finally {
      await producer.close();
    }
  });

  it('PRODUCER_FENCED from the coordinator is fatal: ProducerFencedError, then every transactional call is refused', async () => {
    const topic = await fixture.newTopic(1);
    const producer = createProducer({ brokers: fixture.cluster.bootstrap, topic, transactionalId: newTransactionalId() });
    try {
      await producer.initTransactions();
      producer.beginTransaction();
      await lastValueFrom(producer.produce(from(records(2, 'old'))).pipe(toArray()));
      await fixture.cluster.pushErrors(ApiKey.EndTxn, [PRODUCER_FENCED]);
      const err = await producer.commitTransaction().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProducerFencedError);
      expect((err as Error).message).toMatch(/another producer with transactionalId '.*' has started .* close it/);
      expect(() => producer.beginTransaction()).toThrow(/can run no more transactions/);
      await expect(producer.abortTransaction()).rejects.toBeInstanceOf(TransactionStateError);
    } finally {
      await producer.close();
    }
  });

  it('a failed record makes the transaction abortable; the abort bumps the epoch and the next transaction starts its sequences at 0', async () => {
    const topic = await fixture.newTopic(1);
    const producer = createProducer({ brokers: fixture.cluster.bootstrap, topic, transactionalId: newTransactionalId(), stopOnError: false });
    try {
      await producer.initTransactions();
      producer.beginTransaction();
      await lastValueFrom(producer.produce(from(records(3, 'first'))).pipe(toArray()));
      await fixture.cluster.pushErrors(ApiKey.Produce, [INVALID_RECORD]);
      const [failed] = await lastValueFrom(producer.produce(from(records(1, 'bad'))).pipe(toArray()));
      expect(failed.error).toBeDefined();
      await expect(producer.commitTransaction()).rejects.toBeInstanceOf(TransactionAbortableError);
      await producer.abortTransaction();
      // The strict broker refuses a gap in the sequences: only a bumped epoch starting at 0 passes.
      producer.beginTransaction();
      const acks = await lastValueFrom(producer.produce(from(records(3, 'next'))).pipe(toArray()));
      expect(acks.map((a) => a.error)).toEqual([undefined, undefined, undefined]);
      await producer.commitTransaction();
    } finally {
      await producer.close();
    }
  });

  // The mock checks the ids and coordinators of AddOffsetsToTxn and TxnOffsetCommit but does not
  // store the offsets (test/broker/README.md): what it shows is what was sent, where, and its answer.
  // That the group's offsets become the committed ones is proven on Kafka: test/real-kafka/transactions.test.ts.
  it('sendOffsetsToTransaction: AddOffsetsToTxn to the transaction coordinator, then TxnOffsetCommit with the offsets to the group coordinator, both accepted, before EndTxn(commit)', async () => {
    const topic = await fixture.newTopic(2);
    const transactionalId = newTransactionalId();
    const groupId = `group-${process.pid}-${idSeq}`;
    const send = jest.spyOn(Connection.prototype, 'send');
    const producer = createProducer({ brokers: fixture.cluster.bootstrap, topic, transactionalId });
    try {
      await producer.initTransactions();
      producer.beginTransaction();
      await lastValueFrom(producer.produce(from(records(3, 'o'))).pipe(toArray()));
      await producer.sendOffsetsToTransaction(
        [
          { topic, partition: 0, offset: 3n, metadata: 'processed' },
          { topic, partition: 1, offset: 12 },
        ],
        { groupId },
      );
      await producer.commitTransaction();
    } finally {
      await producer.close();
    }
    // Every request the producer sent, on which node, and the mock's answer.
    const { calls: sent, results, contexts } = send.mock;
    send.mockRestore();
    const calls = await Promise.all(
      sent.map(async ([api, req], i) => ({
        api: api.name,
        req: req as Record<string, unknown>,
        res: (await results[i].value) as Record<string, unknown>,
        nodeId: (contexts[i] as Connection).nodeId,
      })),
    );
    const of = (api: string): typeof calls => calls.filter((c) => c.api === api);
    const coordinatorOf = (keyType: number, key: string): unknown => of('FindCoordinator').find((c) => c.req.keyType === keyType && c.req.key === key)?.res.nodeId;
    const [init] = of('InitProducerId');
    const ids = { transactionalId, producerId: init.res.producerId, producerEpoch: init.res.producerEpoch };

    const [added] = of('AddOffsetsToTxn');
    expect(added.req).toEqual({ ...ids, groupId });
    expect(added.nodeId).toBe(coordinatorOf(1, transactionalId));
    expect(added.res.errorCode).toBe(0);

    const [committed] = of('TxnOffsetCommit');
    expect(committed.req).toMatchObject({
      ...ids,
      groupId,
      topics: [
        {
          name: topic,
          partitions: [
            { partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: 'processed' },
            { partitionIndex: 1, committedOffset: 12n, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
      ],
    });
    expect(committed.nodeId).toBe(coordinatorOf(0, groupId));
    expect(committed.res).toMatchObject({ topics: [{ name: topic, partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 0 }] }] });

    // In that order, and the transaction then committed.
    const txnCalls = calls.filter((c) => ['AddOffsetsToTxn', 'TxnOffsetCommit', 'EndTxn'].includes(c.api));
    expect(txnCalls.map((c) => c.api)).toEqual(['AddOffsetsToTxn', 'TxnOffsetCommit', 'EndTxn']);
    expect(txnCalls[2].req).toMatchObject({ ...ids, committed: true });
    expect(txnCalls[2].res.errorCode).toBe(0);
  });

  it('a TxnOffsetCommit refused by the group coordinator (ILLEGAL_GENERATION: the consumer was rebalanced out) makes the transaction abortable, not the producer fatal', async () => {
    const topic = await fixture.newTopic(1);
    const producer = createProducer({ brokers: fixture.cluster.bootstrap, topic, transactionalId: newTransactionalId() });
    try {
      await producer.initTransactions();
      producer.beginTransaction();
      await lastValueFrom(producer.produce(from(records(2, 'r'))).pipe(toArray()));
      await fixture.cluster.pushErrors(TXN_OFFSET_COMMIT, [ILLEGAL_GENERATION]);
      await expect(producer.sendOffsetsToTransaction([{ topic, partition: 0, offset: 5n }], { groupId: `group-${process.pid}-${idSeq}`, generationId: 7, memberId: 'm-1' })).rejects.toBeInstanceOf(TransactionAbortableError);
      await expect(producer.commitTransaction()).rejects.toBeInstanceOf(TransactionAbortableError);
      await producer.abortTransaction();
      producer.beginTransaction();
      await lastValueFrom(producer.produce(from(records(2, 'next'))).pipe(toArray()));
      await producer.commitTransaction();
    } finally {
      await producer.close();
    }
  });
});

describe('sendTransactionally / toKafkaTransactionally', () => {
  it('one transaction per inner stream, in order, each emitted with its acks once committed', async () => {
    const topic = await fixture.newTopic(3);
    const results = await lastValueFrom(
      range(0, 4).pipe(
        map((t) => from(records(25, `t${t}`))),
        toKafkaTransactionally<string, string, number>({ brokers: fixture.cluster.bootstrap, topic, transactionalId: newTransactionalId() }),
        toArray(),
      ),
    );
    expect(results.map((r) => r.transaction)).toEqual([0, 1, 2, 3]);
    expect(results.map((r) => r.acks.length)).toEqual([25, 25, 25, 25]);
    const read = await kcatConsume(fixture.cluster.bootstrap, topic);
    expect(read).toHaveLength(100);
  });

  it('an inner stream that errors aborts its transaction and errors the result stream', async () => {
    const topic = await fixture.newTopic(2);
    const boom = new Error('source failed');
    const transactions$ = from([from(records(10, 'ok')), new Observable<ProducerRecord<string, string, number>>((s) => {
      s.next({ key: 'x', value: 'doomed', meta: 0 });
      setTimeout(() => s.error(boom), 50);
    })]);
    const producer = createProducer({ brokers: fixture.cluster.bootstrap, topic, transactionalId: newTransactionalId() });
    const emitted: number[] = [];
    try {
      await expect(
        lastValueFrom(producer.sendTransactionally(transactions$).pipe(concatMap((r) => (emitted.push(r.acks.length), from([r]))))),
      ).rejects.toBe(boom);
      expect(emitted).toEqual([10]);
      // The producer is READY again: another transaction runs.
      await lastValueFrom(producer.sendTransactionally(from([from(records(1, 'after'))])));
    } finally {
      await producer.close();
    }
  });
});
