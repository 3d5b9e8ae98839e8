// Transactions with Apache Kafka's own transaction coordinator (3 nodes, __transaction_state
// replicated 3 times with min ISR 2), each outcome read back at read_committed and
// read_uncommitted by Kafka's console consumer (and by kcat, up to the end offsets, so that
// nothing more hides), and the coordinator's view checked with Kafka's tools
// (kafka-transactions.sh describe, kafka-consumer-groups.sh):
//  - commit and abort: committed records visible, aborted ones not (though written: read_uncommitted
//    sees them);
//  - fencing: a second producer with the same transactionalId aborts the first one's open
//    transaction, and the first one's commit fails with ProducerFencedError;
//  - the coordinator aborting a transaction older than transactionTimeoutMs (it bumps the epoch,
//    so the late commit is refused as fenced — Java's producer at the same protocol versions gets
//    ProducerFencedException too);
//  - kill -9 of the transaction coordinator mid-transaction: the coordinator moves to a replica of
//    its __transaction_state partition and the same transaction commits, whole;
//  - sendOffsetsToTransaction: the offsets of a committed transaction are the group's committed
//    offsets as kafka-consumer-groups.sh shows them; those of an aborted one are not.
// rxkafka speaks the transaction APIs below KIP-890's (EndTxn < 5, Produce < 12), so Kafka 4.x's
// coordinator runs its transactions as transaction version 1 even with transaction.version=2 on
// (the epoch stays across transactions). Kafka 3.9.2's coordinator behaves the same: this file
// passed on it too, run by hand (the kafka-3.9.2 project runs the delivery files only).
import { from, lastValueFrom, toArray } from 'rxjs';
import { createProducer, ProducerFencedError, TransactionAbortableError, type Ack, type Producer, type ProducerRecord } from '../../operators';
import { consoleConsume } from '../support/consoleConsumer';
import { kafkaClusterFixture } from '../support/kafkaFixture';
import type { KafkaCluster } from '../support/KafkaCluster';
import { type ConsumedRecord, kcatConsume } from '../support/kcat';
import { sleep } from '../support/wait';

const fixture = kafkaClusterFixture('txn', {
  nodes: 3,
  // The coordinator looks for transactions past their timeout every 10 s by default; 1 s here.
  brokerConfig: { 'transaction.abort.timed.out.transaction.cleanup.interval.ms': 1000 },
});
let idSeq = 0;
const newTransactionalId = (): string => `txn-${process.pid}-${++idSeq}`;

function records(n: number, tag: string): Array<ProducerRecord<string, string, number>> {
  return Array.from({ length: n }, (_, i) => ({ key: `${tag}-k${i}`, value: `${tag}-${i}`, meta: i }));
}

const values = (rs: Array<{ value?: string | null }>): string[] => rs.map((r) => r.value ?? '<null>').sort();

/**
 * Reads the whole topic at `isolation` with Kafka's console consumer (the reader of record),
 * expecting `expected` records, and with kcat, which reads up to the end offsets and so rules out
 * more; both must read the same records at the same offsets.
 */
async function readBack(topic: string, isolation: 'read_committed' | 'read_uncommitted', expected: number): Promise<ConsumedRecord[]> {
  const cluster = fixture.cluster;
  const [java, kcat] = await Promise.all([
    consoleConsume(cluster, topic, expected > 0 ? { isolation, maxMessages: expected, timeoutMs: 60_000 } : { isolation, idleMs: 10_000 }),
    kcatConsume(cluster.liveBootstrap(), topic, { isolation, timeoutMs: 60_000 }),
  ]);
  const at = (rs: ConsumedRecord[]): string[] => rs.map((r) => `${r.partition}:${r.offset}:${r.value}`);
  expect(at(kcat)).toEqual(at(java));
  return java;
}

/** read_committed consumers read exactly `committed`; read_uncommitted ones `aborted` too (written, then aborted). */
async function expectCommittedOnly(topic: string, committed: Array<ProducerRecord<string, string, number>>, aborted: Array<ProducerRecord<string, string, number>>): Promise<ConsumedRecord[]> {
  const visible = await readBack(topic, 'read_committed', committed.length);
  expect(values(visible)).toEqual(values(committed));
  expect(values(await readBack(topic, 'read_uncommitted', committed.length + aborted.length))).toEqual(values([...committed, ...aborted]));
  return visible;
}

/** Produces `rs` in the producer's current transaction; every record must be acked. */
async function produceAll(producer: Producer, rs: Array<ProducerRecord<string, string, number>>): Promise<Array<Ack<number>>> {
  const acks = await lastValueFrom(producer.produce<string, string, number>(from(rs)).pipe(toArray()));
  expect(acks.map((a) => a.error)).toEqual(Array(rs.length).fill(undefined));
  return acks;
}

/** Produces `rs`; every record must fail with Kafka's error `type`. */
async function produceRefused(producer: Producer, rs: Array<ProducerRecord<string, string, number>>, type: string): Promise<void> {
  const acks = await lastValueFrom(producer.produce<string, string, number>(from(rs)).pipe(toArray()));
  expect(acks.map((a) => (a.error as { type?: string } | undefined)?.type)).toEqual(Array(rs.length).fill(type));
}

/** The transactional id as its coordinator describes it (kafka-transactions.sh describe). */
interface TransactionDescription {
  coordinatorId: number;
  producerId: bigint;
  producerEpoch: number;
  state: string;
  topicPartitions: string[];
}

async function describeTransaction(cluster: KafkaCluster, transactionalId: string): Promise<TransactionDescription> {
  const out = await cluster.tool('transactions', ['--bootstrap-server', cluster.liveBootstrap(), 'describe', '--transactional-id', transactionalId]);
  const lines = out.split('\n').filter((l) => l.trim() !== '');
  const header = lines.findIndex((l) => l.startsWith('CoordinatorId'));
  if (header < 0 || lines[header + 1] === undefined) throw new Error(`kafka-transactions.sh describe printed no table:\n${out}`);
  const names = lines[header].split('\t').map((s) => s.trim());
  const cells = lines[header + 1].split('\t').map((s) => s.trim());
  const field = (name: string): string => cells[names.indexOf(name)] ?? '';
  return {
    coordinatorId: Number(field('CoordinatorId')),
    producerId: BigInt(field('ProducerId')),
    producerEpoch: Number(field('ProducerEpoch')),
    state: field('TransactionState'),
    topicPartitions: field('TopicPartitions') === '' ? [] : field('TopicPartitions').split(','),
  };
}

/** Polls the coordinator's description until `done` holds (no timing asserted: the deadline only ends a hang). */
async function waitForTransaction(cluster: KafkaCluster, transactionalId: string, done: (d: TransactionDescription) => boolean, timeoutMs = 90_000): Promise<TransactionDescription> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await describeTransaction(cluster, transactionalId).catch(() => null);
    if (d !== null && done(d)) return d;
    if (Date.now() > deadline) throw new Error(`transaction ${transactionalId} did not reach the expected state: ${JSON.stringify(d, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
    await sleep(500);
  }
}

/** Java's String.hashCode, as Kafka's coordinators hash a transactional id or group id to a partition. */
function javaHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Committed offsets of a group by `topic:partition`, as kafka-consumer-groups.sh --describe --offsets prints them. */
async function groupOffsets(cluster: KafkaCluster, groupId: string): Promise<Map<string, bigint>> {
  const out = await cluster.tool('consumer-groups', ['--bootstrap-server', cluster.liveBootstrap(), '--describe', '--group', groupId, '--offsets']);
  const offsets = new Map<string, bigint>();
  for (const line of out.split('\n')) {
    const cols = line.trim().split(/\s+/);
    // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
    if (cols[0] !== groupId || cols.length < 4) continue;
    if (cols[3] !== '-') offsets.set(`${cols[1]}:${cols[2]}`, BigInt(cols[3]));
  }
  return offsets;
}

/** Each acked record of `records(n, tag)` is where its ack says: the reader found its value at that partition and offset. */
function expectAtAckedOffsets(read: Array<{ partition: number; offset: bigint; value: string | null }>, tag: string, acks: Array<Ack<number>>): void {
  const at = new Map(read.map((r) => [`${r.partition}:${r.offset}`, r.value]));
  expect(acks.map((a) => at.get(`${a.partition}:${a.offset}`))).toEqual(acks.map((a) => `${tag}-${a.meta}`));
}

/**
 * Two instances of one transactional producer: `first` with a transaction open and records(10,
 * 'zombie') written in it, `second` created but not initialised. Both are closed after `body`.
 */
async function withZombie(topic: string, transactionalId: string, body: (first: Producer, second: Producer) => Promise<void>): Promise<void> {
  const first = createProducer({ brokers: fixture.cluster.bootstrap, topic, transactionalId, stopOnError: false });
  const second = createProducer({ brokers: fixture.cluster.bootstrap, topic, transactionalId });
  try {
    await first.initTransactions();
    first.beginTransaction();
    await produceAll(first, records(10, 'zombie'));
    await body(first, second);
  } finally {
    await first.close(1000).catch(() => undefined);
    await second.close();
  }
}

describe('transactions on Apache Kafka', () => {
  it('commit, abort, commit: read_committed reads the two committed transactions at their acked offsets; read_uncommitted also the aborted one', async () => {
    const topic = await fixture.newTopic(3);
    const transactionalId = newTransactionalId();
    const producer = createProducer({ brokers: fixture.cluster.bootstrap, topic, transactionalId });
    let firstAcks: Array<Ack<number>> = [];
    let secondAcks: Array<Ack<number>> = [];
    try {
      await producer.initTransactions();

      producer.beginTransaction();
      firstAcks = await produceAll(producer, records(50, 'first'));
      await producer.commitTransaction();
      const afterCommit = await describeTransaction(fixture.cluster, transactionalId);
      expect(afterCommit.state).toBe('CompleteCommit');

      producer.beginTransaction();
      // Acked: the records are in the log; only the abort marker keeps read_committed readers off them.
      await produceAll(producer, records(50, 'aborted'));
      await producer.abortTransaction();
      const afterAbort = await describeTransaction(fixture.cluster, transactionalId);
      expect(afterAbort.state).toBe('CompleteAbort');
      // Transaction version 1 (the API versions rxkafka speaks): the epoch stays across transactions;
      // under KIP-890's version 2 every EndTxn would bump it.
      expect(afterAbort.producerEpoch).toBe(afterCommit.producerEpoch);

      producer.beginTransaction();
      secondAcks = await produceAll(producer, records(50, 'second'));
      await producer.commitTransaction();
    } finally {
      await producer.close();
    }

    const committed = await expectCommittedOnly(topic, [...records(50, 'first'), ...records(50, 'second')], records(50, 'aborted'));
    expectAtAckedOffsets(committed, 'first', firstAcks);
    expectAtAckedOffsets(committed, 'second', secondAcks);
  });

  it('a second producer with the same transactionalId fences the first: its open transaction is aborted, its commit fails with ProducerFencedError', async () => {
    const topic = await fixture.newTopic(3);
    const transactionalId = newTransactionalId();
    await withZombie(topic, transactionalId, async (first, second) => {
      const before = await describeTransaction(fixture.cluster, transactionalId);
      expect(before.state).toBe('Ongoing');

      // The newer instance takes over: the coordinator aborts what the first left open and bumps the epoch.
      await second.initTransactions();
      const after = await describeTransaction(fixture.cluster, transactionalId);
      expect(after.producerId).toBe(before.producerId);
      expect(after.producerEpoch).toBeGreaterThan(before.producerEpoch);
      expect(after.state).not.toBe('Ongoing');

      second.beginTransaction();
      await produceAll(second, records(10, 'successor'));
      await second.commitTransaction();

      const err = await first.commitTransaction().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProducerFencedError);
      // Fatal: the fenced instance runs no more transactions.
      expect(() => first.beginTransaction()).toThrow(/can run no more transactions/);
    });
    await expectCommittedOnly(topic, records(10, 'successor'), records(10, 'zombie'));
  });

  it('a fenced producer that goes on producing: its records fail with INVALID_PRODUCER_EPOCH, its commit is refused as abortable, its abort as fenced', async () => {
    const topic = await fixture.newTopic(3);
    await withZombie(topic, newTransactionalId(), async (first, second) => {
      await second.initTransactions();

      // The partition leaders know the newer epoch: the zombie's writes are refused, not written.
      await produceRefused(first, records(5, 'late'), 'INVALID_PRODUCER_EPOCH');
      const commit = await first.commitTransaction().catch((e: unknown) => e);
      expect(commit).toBeInstanceOf(TransactionAbortableError);
      expect((commit as Error).message).toMatch(/another producer with transactionalId .* fenced this one/);
      await expect(first.abortTransaction()).rejects.toBeInstanceOf(ProducerFencedError);
    });
    await expectCommittedOnly(topic, [], records(10, 'zombie'));
  });

  it('the coordinator aborts a transaction older than transactionTimeoutMs: the late commit fails with ProducerFencedError saying so, nothing is visible', async () => {
    const topic = await fixture.newTopic(3);
    const transactionalId = newTransactionalId();
    const producer = createProducer({ brokers: fixture.cluster.bootstrap, topic, transactionalId, transactionTimeoutMs: 2000, stopOnError: false });
    try {
      await producer.initTransactions();
      const initial = await describeTransaction(fixture.cluster, transactionalId);
      expect(initial.state).toBe('Empty');
      producer.beginTransaction();
      await produceAll(producer, records(20, 'expired'));
      // The coordinator's own abort: markers written, epoch bumped (KIP-588) so that the producer cannot go on.
      const aborted = await waitForTransaction(fixture.cluster, transactionalId, (d) => d.state === 'CompleteAbort');
      expect(aborted.producerId).toBe(initial.producerId);
      expect(aborted.producerEpoch).toBe(initial.producerEpoch + 1);

      const err = await producer.commitTransaction().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProducerFencedError);
      expect((err as Error).message).toMatch(/open longer than transactionTimeoutMs=2000/);
    } finally {
      await producer.close(1000).catch(() => undefined);
    }
    await expectCommittedOnly(topic, [], records(20, 'expired'));
  });

  it('a record produced after the coordinator aborted the transaction for its age fails; the commit is refused as abortable, naming transactionTimeoutMs', async () => {
    const topic = await fixture.newTopic(3);
    const transactionalId = newTransactionalId();
    const producer = createProducer({ brokers: fixture.cluster.bootstrap, topic, transactionalId, transactionTimeoutMs: 2000, stopOnError: false });
    try {
      await producer.initTransactions();
      producer.beginTransaction();
      await produceAll(producer, records(10, 'expired'));
      await waitForTransaction(fixture.cluster, transactionalId, (d) => d.state === 'CompleteAbort');

      await produceRefused(producer, records(3, 'late'), 'INVALID_PRODUCER_EPOCH');
      const commit = await producer.commitTransaction().catch((e: unknown) => e);
      expect(commit).toBeInstanceOf(TransactionAbortableError);
      expect((commit as Error).message).toMatch(/open longer than transactionTimeoutMs=2000/);
      // At these protocol versions the coordinator refuses the old epoch's abort too (Java 3.9's producer: the same).
      await expect(producer.abortTransaction()).rejects.toBeInstanceOf(ProducerFencedError);
    } finally {
      await producer.close(1000).catch(() => undefined);
    }
    await expectCommittedOnly(topic, [], records(10, 'expired'));
  });

  it('sendOffsetsToTransaction: the committed transaction\'s offsets are the group\'s, as kafka-consumer-groups.sh shows them; an aborted transaction\'s are not', async () => {
    const input = await fixture.newTopic(3);
    const output = await fixture.newTopic(3);
    const groupId = `txn-group-${process.pid}-${++idSeq}`;
    // Something to have consumed: offsets within each input partition's log.
    const fill = createProducer({ brokers: fixture.cluster.bootstrap, topic: input });
    try {
      for (let p = 0; p < 3; p++) {
        const rs = Array.from({ length: 10 }, (_, i) => ({ partition: p, value: `in-${p}-${i}` }));
        await produceAll(fill, rs);
      }
    } finally {
      await fill.close();
    }
    const producer = createProducer({ brokers: fixture.cluster.bootstrap, topic: output, transactionalId: newTransactionalId() });
    try {
      await producer.initTransactions();
      producer.beginTransaction();
      await produceAll(producer, records(5, 'out'));
      await producer.sendOffsetsToTransaction(
        [
          { topic: input, partition: 0, offset: 4n },
          { topic: input, partition: 2, offset: 10n, metadata: 'processed' },
        ],
        { groupId },
      );
      await producer.commitTransaction();
      expect(await groupOffsets(fixture.cluster, groupId)).toEqual(new Map([[`${input}:0`, 4n], [`${input}:2`, 10n]]));

      // An aborted transaction's offsets never take effect.
      producer.beginTransaction();
      await produceAll(producer, records(5, 'undone'));
      await producer.sendOffsetsToTransaction([{ topic: input, partition: 0, offset: 9n }, { topic: input, partition: 1, offset: 7n }], { groupId });
      await producer.abortTransaction();
      expect(await groupOffsets(fixture.cluster, groupId)).toEqual(new Map([[`${input}:0`, 4n], [`${input}:2`, 10n]]));
    } finally {
      await producer.close();
    }
    await expectCommittedOnly(output, records(5, 'out'), records(5, 'undone'));
  });

  // Last: it leaves a node killed until it restarts it.
  it('kill -9 of the transaction coordinator mid-transaction: the coordinator moves to a replica and the same transaction commits whole', async () => {
    const cluster = fixture.cluster;
    const topic = await fixture.newTopic(6);
    const transactionalId = newTransactionalId();
    // Longer than a KRaft broker's session timeout (9 s), after which the dead coordinator's partitions move.
    const producer = createProducer({ brokers: cluster.bootstrap, topic, transactionalId, maxBlockMs: 120_000 });
    let killed: number | undefined;
    try {
      await producer.initTransactions();
      producer.beginTransaction();
      const before = await produceAll(producer, records(100, 'before'));
      const open = await describeTransaction(cluster, transactionalId);
      expect(open.state).toBe('Ongoing');
      // The coordinator is the leader of the id's __transaction_state partition (3 partitions here).
      const statePartition = Math.abs(javaHashCode(transactionalId)) % 3;
      expect(open.coordinatorId).toBe((await cluster.partitions('__transaction_state'))[statePartition].leader);

      killed = open.coordinatorId;
      await cluster.kill(killed);
      // Records to partitions whose leader died too, and to the rest, in the same transaction.
      const after = await produceAll(producer, records(100, 'after'));
      await producer.commitTransaction();

      const done = await describeTransaction(cluster, transactionalId);
      expect(done.coordinatorId).not.toBe(killed);
      expect(done.state).toBe('CompleteCommit');
      expect(done.producerEpoch).toBe(open.producerEpoch);

      // Whole: every record of both halves at read_committed, none missing, none extra.
      const committed = await expectCommittedOnly(topic, [...records(100, 'before'), ...records(100, 'after')], []);
      expectAtAckedOffsets(committed, 'before', before);
      expectAtAckedOffsets(committed, 'after', after);
    } finally {
      await producer.close();
      if (killed !== undefined) await cluster.restart(killed);
    }
  });
});
