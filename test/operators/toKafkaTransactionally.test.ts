// toKafkaTransactionally(config, scheduler) in marbles, against a fake cluster whose one broker
// leads every partition, coordinates every transaction and answers each request 1 frame after it
// was written: one transaction per inner stream, one after the other, each emitted (its acks) once
// committed; an inner stream that errors aborts its transaction and ends the stream.
import { map, type Observable } from 'rxjs';
import { toKafkaTransactionally } from '../../operators/toKafkaTransactionally';
import type { AddPartitionsToTxnRequest } from '../../src/protocol/AddPartitionsToTxn';
import type { TransactionResult } from '../../src/transactions/sendTransactionally';
import type { ProducerRecord } from '../../src/types';
import { FakeCluster, onEveryCluster } from '../support/fakeCluster';
import { marbleScheduler, runAsync } from '../support/marbles';
import type { TestScheduler } from 'rxjs/testing';
import { ackSummary } from './fixture';

const ANSWER_MS = 1;
const config = { brokers: 'fake:9092', topic: 't', transactionalId: 'tx', lingerMs: 0 };
type Rec = ProducerRecord<unknown, string, string>;
const rec = (value: string, partition = 0): Rec => ({ value, partition, meta: value });
/** A committed transaction as a marble value: `index[ack ack …]`. */
const summary = (t: TransactionResult<string>): string => `${t.transaction}[${t.acks.map(ackSummary).join(' ')}]`;

afterEach(() => jest.restoreAllMocks());

/** A fake cluster of one broker (node 1) that answers every request of a transactional producer by itself. */
function transactionalCluster(scheduler: TestScheduler): FakeCluster {
  const cluster = new FakeCluster(scheduler);
  cluster.everyTopic = 2;
  cluster.answer('FindCoordinator', ANSWER_MS, () => ({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 1, host: 'b1', port: 9092 }));
  cluster.answer('InitProducerId', ANSWER_MS, () => ({ throttleTimeMs: 0, errorCode: 0, producerId: 7n, producerEpoch: 0 }));
  cluster.answer('AddPartitionsToTxn', ANSWER_MS, (req) => ({
    throttleTimeMs: 0,
    topics: (req as AddPartitionsToTxnRequest).topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p, errorCode: 0 })) })),
  }));
  cluster.answer('EndTxn', ANSWER_MS, () => ({ throttleTimeMs: 0, errorCode: 0 }));
  cluster.answerProduce({ delayMs: ANSWER_MS });
  onEveryCluster(cluster);
  return cluster;
}

describe('toKafkaTransactionally', () => {
  it('one transaction per inner stream, in turn, each emitted with its acks once committed', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, expectObservable }) => {
      transactionalCluster(scheduler);
      // 0 FindCoordinator, 1 InitProducerId; transaction 0 from 2: x (2) and y (3) each wait for
      // AddPartitionsToTxn of their partition, then Produce; the last ack at 5, EndTxn answered at 6.
      // Transaction 1 from 6: z (6), AddPartitionsToTxn, Produce, EndTxn answered at 9.
      const transactions = cold<Observable<Rec>>('a-b|', { a: cold('xy|', { x: rec('x', 0), y: rec('y', 1) }), b: cold('z|', { z: rec('z', 0) }) });
      const out = transactions.pipe(toKafkaTransactionally<unknown, string, string>(config, scheduler), map(summary));
      expectObservable(out).toBe('------a--(b|)', { a: '0[0@0:x 1@0:y]', b: '1[0@1:z]' });
    });
  });

  it('an inner stream that errors aborts its transaction, and the stream ends with its error', async () => {
    const scheduler = marbleScheduler();
    let cluster: FakeCluster | undefined;
    await runAsync(scheduler, ({ cold, expectObservable }) => {
      cluster = transactionalCluster(scheduler);
      const failure = new Error('source failed');
      // x (2) is sent — AddPartitionsToTxn answered at 3, Produce at 4 — while its stream errors at 3:
      // the abort waits for it, its EndTxn is answered at 5, and transaction 1 never starts.
      const transactions = cold<Observable<Rec>>('a-b|', { a: cold('x#', { x: rec('x', 0) }, failure), b: cold('z|', { z: rec('z', 0) }) });
      const out = transactions.pipe(toKafkaTransactionally<unknown, string, string>(config, scheduler), map(summary));
      expectObservable(out).toBe('-----#', undefined, failure);
    });
    const endTxn = cluster!.conn.others.filter((c) => c.api === 'EndTxn').map((c) => c.req);
    expect(endTxn).toEqual([expect.objectContaining({ committed: false })]);
  });
});
