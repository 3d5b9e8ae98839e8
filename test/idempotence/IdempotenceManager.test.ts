import { VirtualTimeScheduler } from 'rxjs';
import pino from 'pino';
import { ConnectionError, KafkaProtocolError, ProducerClosedError } from '../../src/errors';
import { ExponentialBackoff } from '../../src/network/Backoff';
import { ErrorCode } from '../../src/protocol/errorCodes';
import { IdempotenceManager } from '../../src/idempotence/IdempotenceManager';
import { newPartitionSequences } from '../../src/idempotence/PartitionSequences';
import { FakeCluster, type FakeConnection } from '../support/fakeCluster';
import { initOk as answer } from '../support/produceResponses';
import { tick } from '../support/virtualTime';

/** Runs the next timer (the retry backoff) and what it triggers. */
async function nextTimer(scheduler: VirtualTimeScheduler): Promise<void> {
  await tick();
  scheduler.maxFrames = scheduler.actions[0].delay;
  scheduler.flush();
  await tick();
}

function setup(deadlineMs = 10000) {
  const scheduler = new VirtualTimeScheduler();
  // The one broker connection: InitProducerId requests wait for the test to answer them.
  const cluster = new FakeCluster(scheduler);
  const conn = cluster.conn;
  // random 0.5: no jitter, backoffs of exactly 100, 200, 400 … ms.
  const backoff = new ExponentialBackoff(100, 1000, 2, 0.2, () => 0.5);
  const idempotence = new IdempotenceManager(cluster.asCluster, backoff, deadlineMs, pino({ level: 'silent' }), scheduler);
  return { scheduler, conn, idempotence };
}

/** Gets a first producer id (id, epoch) through the fake connection. */
async function withProducerId(idempotence: IdempotenceManager, conn: FakeConnection, id: bigint, epoch: number): Promise<void> {
  const p = idempotence.initProducerId();
  await tick();
  conn.initRequests[conn.initRequests.length - 1].resolve(answer(id, epoch));
  await p;
}

describe('IdempotenceManager', () => {
  it('asks for a new producer id the first time, and keeps what the broker assigns', async () => {
    const { conn, idempotence } = setup();
    expect(idempotence.hasProducerId).toBe(false);
    const done = idempotence.initProducerId();
    await tick();
    expect(conn.initRequests).toHaveLength(1);
    expect(conn.initRequests[0].req).toEqual({ transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    conn.initRequests[0].resolve(answer(4000n, 0));
    await done;
    expect([idempotence.hasProducerId, idempotence.producerId, idempotence.producerEpoch]).toEqual([true, 4000n, 0]);
  });

  it('shares one exchange among concurrent callers', async () => {
    const { conn, idempotence } = setup();
    const a = idempotence.initProducerId();
    const b = idempotence.initProducerId();
    await tick();
    expect(conn.initRequests).toHaveLength(1);
    conn.initRequests[0].resolve(answer(1n, 0));
    await Promise.all([a, b]);
  });

  it('assigns base sequences per partition in drain order (0, n, n+m, …) and wraps at int32', async () => {
    const { conn, idempotence } = setup();
    await withProducerId(idempotence, conn, 1n, 0);
    const [p0, p1, u0] = [newPartitionSequences(), newPartitionSequences(), newPartitionSequences()];
    expect(idempotence.assignSequence(p0, 2)).toBe(0);
    expect(idempotence.assignSequence(p0, 3)).toBe(2);
    expect(idempotence.assignSequence(p1, 1)).toBe(0);
    expect(idempotence.assignSequence(p0, 1)).toBe(5);
    expect(p0).toMatchObject({ producerId: 1n, producerEpoch: 0, nextSequence: 6 });
    // Kafka's DefaultRecordBatch.incrementSequence: past 2^31-1 the sequence wraps to 0.
    expect(idempotence.assignSequence(u0, 0x7fffffff)).toBe(0);
    expect(idempotence.assignSequence(u0, 1)).toBe(0x7fffffff);
    expect(idempotence.assignSequence(u0, 1)).toBe(0);
  });

  it('bumps the epoch locally, as Java does for an idempotent producer: no request; a partition restarts at 0 when it is next stamped', async () => {
    const { conn, idempotence } = setup();
    await withProducerId(idempotence, conn, 7n, 2);
    const p0 = newPartitionSequences();
    idempotence.assignSequence(p0, 10);
    expect(idempotence.isStale(p0)).toBe(false);
    idempotence.bumpEpoch();
    expect(conn.initRequests).toHaveLength(1);
    expect([idempotence.producerId, idempotence.producerEpoch, idempotence.hasProducerId, idempotence.epochBumps]).toEqual([7n, 3, true, 1]);
    // The partition still runs under epoch 2 until the Sender lets it restart.
    expect(idempotence.isStale(p0)).toBe(true);
    expect(idempotence.assignSequence(p0, 1)).toBe(0);
    expect(p0).toMatchObject({ producerId: 7n, producerEpoch: 3, nextSequence: 1 });
  });

  it('at the highest epoch (32767), asks for a new producer id instead of bumping; InitProducerId carries no current id', async () => {
    const { conn, idempotence } = setup();
    await withProducerId(idempotence, conn, 7n, 0x7fff);
    idempotence.bumpEpoch();
    expect([idempotence.hasProducerId, idempotence.newProducerIdNeeded, idempotence.producerEpoch]).toEqual([false, true, 0x7fff]);
    const fresh = idempotence.initProducerId();
    await tick();
    expect(conn.initRequests[1].req).toEqual({ transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    conn.initRequests[1].resolve(answer(8n, 0));
    await fresh;
    expect([idempotence.hasProducerId, idempotence.producerId, idempotence.producerEpoch]).toEqual([true, 8n, 0]);
  });

  it('retries retriable errors with backoff, on the scheduler', async () => {
    const { scheduler, conn, idempotence } = setup();
    const done = idempotence.initProducerId();
    await tick();
    conn.initRequests[0].resolve(answer(-1n, -1, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    await nextTimer(scheduler);
    conn.initRequests[1].reject(new ConnectionError('h:1', 'socket closed'));
    await nextTimer(scheduler);
    conn.initRequests[2].resolve(answer(3n, 0));
    await done;
    expect(conn.initRequests.map((r) => r.atMs)).toEqual([0, 100, 300]);
    expect(idempotence.producerId).toBe(3n);
  });

  it('gives up on retriable errors after deadlineMs, with the last error', async () => {
    const { scheduler, conn, idempotence } = setup(250);
    const done = idempotence.initProducerId();
    const outcome = done.catch((e: unknown) => e);
    await tick();
    conn.initRequests[0].resolve(answer(-1n, -1, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS));
    await nextTimer(scheduler); // 100
    conn.initRequests[1].resolve(answer(-1n, -1, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS));
    await nextTimer(scheduler); // 300: past the deadline
    conn.initRequests[2].resolve(answer(-1n, -1, ErrorCode.NOT_COORDINATOR));
    const error = await outcome;
    expect(error).toBeInstanceOf(KafkaProtocolError);
    expect((error as KafkaProtocolError).type).toBe('NOT_COORDINATOR');
    expect(conn.initRequests).toHaveLength(3);
    expect(idempotence.hasProducerId).toBe(false);
  });

  it('fails at once on a non-retriable error, saying what to do', async () => {
    const { conn, idempotence } = setup();
    const outcome = idempotence.initProducerId().catch((e: unknown) => e);
    await tick();
    conn.initRequests[0].resolve(answer(-1n, -1, ErrorCode.CLUSTER_AUTHORIZATION_FAILED));
    const error = (await outcome) as KafkaProtocolError;
    expect(error).toBeInstanceOf(KafkaProtocolError);
    expect(error.type).toBe('CLUSTER_AUTHORIZATION_FAILED');
    expect(error.retriable).toBe(false);
    expect(error.message).toMatch(/InitProducerId failed.*idempotence: false/);
    expect(conn.initRequests).toHaveLength(1);
  });

  it('close() ends an exchange that is backing off', async () => {
    const { scheduler, conn, idempotence } = setup();
    const outcome = idempotence.initProducerId().catch((e: unknown) => e);
    await tick();
    conn.initRequests[0].resolve(answer(-1n, -1, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    await tick();
    idempotence.close();
    await nextTimer(scheduler);
    expect(await outcome).toBeInstanceOf(ProducerClosedError);
    expect(conn.initRequests).toHaveLength(1);
  });
});
