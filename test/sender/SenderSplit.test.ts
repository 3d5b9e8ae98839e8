// The Sender on MESSAGE_TOO_LARGE (as Java's completeBatch → splitAndReenqueue): a refused batch
// of several records is split and its parts take its place at the head of the partition's queue,
// in order, under the same producer id, epoch and sequence range; batches in flight behind it
// come back out of order and follow the parts without an epoch bump; a split costs no retry; a
// part refused again is split again; a record refused alone fails alone, typed
// (MessageTooLargeError), while its neighbours are delivered.
import { MessageTooLargeError, RecordTooLargeError } from '../../src/errors';
import { ErrorCode } from '../../src/protocol/errorCodes';
import type { ProduceRequest } from '../../src/protocol/Produce';
import { RECORD_BATCH_OVERHEAD } from '../../src/protocol/RecordBatch';
import { ProducerBatch } from '../../src/accumulator/ProducerBatch';
import { initOk, ok, pastFirstBatch, settle, setup, stamp, withError } from '../support/senderFakes';
import { tick } from '../support/virtualTime';

/** A closed batch of partition 0 holding `values` (metas = values), in a buffer large enough. */
function batchOf(values: string[]): ProducerBatch {
  const b = ProducerBatch.open('t', 0, 0, Buffer.alloc(8192));
  for (const v of values) b.append(0, null, Buffer.from(v), null, v);
  b.close();
  return b;
}

/** The batch size on the wire of partition 0's batch in a request. */
function sizeOf(req: ProduceRequest): number {
  return req.topics[0].partitions[0].records.length;
}

/** How each batch that finished ended: its records, and its base offset or its error's name. */
function outcomes(done: ProducerBatch[]) {
  return done.map((b) => [b.metas.join(','), b.error === null ? b.baseOffset : b.error.name]);
}

const letters = (n: number, bytes = 40): string[] => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i).repeat(bytes));

describe('Sender: a batch refused with MESSAGE_TOO_LARGE', () => {
  it('is split in two and its parts are sent in its place, in order, before the batch queued behind it; no retry is counted', async () => {
    const { cluster, sender, done, listen } = setup({ maxInFlight: 1 });
    const big = listen(batchOf(['a', 'b', 'c', 'd']));
    sender.enqueue(big);
    sender.enqueue(listen(batchOf(['e'])));
    await tick();
    const reqs = cluster.conn.requests;
    reqs[0].resolve(withError(reqs[0].req, ErrorCode.MESSAGE_TOO_LARGE));
    await tick(); // no backoff: a split is not a retry
    expect(big.done).toBe(true);
    expect(outcomes(done)).toEqual([]); // the split batch itself never reports: its parts do
    expect(stamp(reqs[1].req, 0).values).toEqual(['a', 'b']);
    reqs[1].resolve(ok(reqs[1].req, 10n));
    await tick();
    expect(stamp(reqs[2].req, 0).values).toEqual(['c', 'd']);
    reqs[2].resolve(ok(reqs[2].req, 12n));
    await tick();
    expect(stamp(reqs[3].req, 0).values).toEqual(['e']);
    reqs[3].resolve(ok(reqs[3].req, 14n));
    await tick();
    expect(outcomes(done)).toEqual([
      ['a,b', 10n],
      ['c,d', 12n],
      ['e', 14n],
    ]);
    expect(reqs).toHaveLength(4);
    expect(sender.metrics.batchSplitTotal).toBe(1);
    expect(sender.metrics.recordRetryTotal).toBe(0);
    expect(sender.pendingCount).toBe(0);
  });

  it('idempotence: the parts carve the sequence range under the same id and epoch; batches in flight behind it are refused out of order and follow, with no epoch bump', async () => {
    const s = setup({ maxInFlight: 5 }, { idempotent: true });
    const { scheduler, cluster, sender, idempotence, done, listen } = s;
    await pastFirstBatch(s, 77n); // the broker knows the producer on t-0: batches are pipelined
    sender.enqueue(listen(batchOf(['a', 'b', 'c', 'd'])));
    await tick();
    sender.enqueue(listen(batchOf(['e'])));
    await tick();
    sender.enqueue(listen(batchOf(['f'])));
    await tick();
    const reqs = cluster.conn.requests;
    expect(reqs.map((r) => stamp(r.req, 0).seq)).toEqual([1, 5, 6]);
    // The broker refuses the first as too large, so it never sees sequences 0-3: the others are out of order.
    reqs[0].resolve(withError(reqs[0].req, ErrorCode.MESSAGE_TOO_LARGE));
    reqs[1].resolve(withError(reqs[1].req, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER));
    reqs[2].resolve(withError(reqs[2].req, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER));
    await tick();
    // The parts go at once (new batches, pipelined); the refused ones wait for them, then go one at a time.
    expect(reqs.slice(3).map((r) => stamp(r.req, 0))).toEqual([
      { producerId: 77n, epoch: 0, seq: 1, values: ['a', 'b'] },
      { producerId: 77n, epoch: 0, seq: 3, values: ['c', 'd'] },
    ]);
    reqs[3].resolve(ok(reqs[3].req, 1n));
    reqs[4].resolve(ok(reqs[4].req, 3n));
    await settle(scheduler);
    expect(stamp(reqs[5].req, 0)).toEqual({ producerId: 77n, epoch: 0, seq: 5, values: ['e'] });
    reqs[5].resolve(ok(reqs[5].req, 5n));
    await settle(scheduler);
    expect(stamp(reqs[6].req, 0)).toEqual({ producerId: 77n, epoch: 0, seq: 6, values: ['f'] });
    reqs[6].resolve(ok(reqs[6].req, 6n));
    await tick();
    expect(outcomes(done)).toEqual([
      ['a,b', 1n],
      ['c,d', 3n],
      ['e', 5n],
      ['f', 6n],
    ]);
    expect(idempotence!.epochBumps).toBe(0);
    expect(cluster.conn.initRequests).toHaveLength(1);
  });

  it("idempotence: a partition's first batch goes alone, so when it is refused nothing written behind it can land first (Kafka takes any sequence from a producer it does not know yet)", async () => {
    const { cluster, sender, idempotence, done, listen } = setup({ maxInFlight: 5 }, { idempotent: true });
    sender.enqueue(listen(batchOf(['a', 'b', 'c', 'd'])));
    await tick();
    cluster.conn.initRequests[0].resolve(initOk(3n, 0));
    await tick();
    sender.enqueue(listen(batchOf(['e'])));
    await tick();
    const reqs = cluster.conn.requests;
    expect(reqs).toHaveLength(1); // 'e' waits for the first batch's ack
    reqs[0].resolve(withError(reqs[0].req, ErrorCode.MESSAGE_TOO_LARGE));
    await tick();
    expect(reqs.slice(1).map((r) => stamp(r.req, 0))).toEqual([{ producerId: 3n, epoch: 0, seq: 0, values: ['a', 'b'] }]);
    reqs[1].resolve(ok(reqs[1].req, 0n));
    await tick();
    // Acked: the broker now refuses a sequence that does not follow, so the rest is pipelined.
    expect(reqs.slice(2).map((r) => stamp(r.req, 0))).toEqual([
      { producerId: 3n, epoch: 0, seq: 2, values: ['c', 'd'] },
      { producerId: 3n, epoch: 0, seq: 4, values: ['e'] },
    ]);
    reqs[2].resolve(ok(reqs[2].req, 2n));
    reqs[3].resolve(ok(reqs[3].req, 4n));
    await tick();
    expect(outcomes(done)).toEqual([
      ['a,b', 0n],
      ['c,d', 2n],
      ['e', 4n],
    ]);
    expect(idempotence!.epochBumps).toBe(0);
  });

  it('a part refused again is split again (halving) until the broker takes the parts; sequences stay contiguous', async () => {
    const { cluster, sender, done, listen } = setup({ maxInFlight: 1 }, { idempotent: true });
    sender.enqueue(listen(batchOf(letters(8))));
    await tick();
    cluster.conn.initRequests[0].resolve(initOk(9n, 0));
    await tick();
    const reqs = cluster.conn.requests;
    // A broker whose max.message.bytes lets three of these records through, not four.
    const recordBytes = (sizeOf(reqs[0].req) - RECORD_BATCH_OVERHEAD) / 8;
    const limitBytes = RECORD_BATCH_OVERHEAD + 3 * recordBytes;
    let offset = 100n;
    for (let i = 0; i < 20 && done.length < 4; i++) {
      await tick();
      const r = reqs[reqs.length - 1];
      if (sizeOf(r.req) > limitBytes) r.resolve(withError(r.req, ErrorCode.MESSAGE_TOO_LARGE));
      else {
        r.resolve(ok(r.req, offset));
        offset += BigInt(stamp(r.req, 0).values.length);
      }
    }
    await tick();
    const abbreviated = (vs: string[]) => vs.map((v) => v[0]).join('');
    expect(reqs.map((r) => [abbreviated(stamp(r.req, 0).values), stamp(r.req, 0).seq])).toEqual([
      ['abcdefgh', 0],
      ['abcd', 0],
      ['ab', 0],
      ['cd', 2],
      ['efgh', 4],
      ['ef', 4],
      ['gh', 6],
    ]);
    expect(done.map((b) => [abbreviated(b.metas as string[]), b.baseOffset])).toEqual([
      ['ab', 100n],
      ['cd', 102n],
      ['ef', 104n],
      ['gh', 106n],
    ]);
    expect(sender.metrics.batchSplitTotal).toBe(3);
  });

  it('a record refused alone fails alone with MessageTooLargeError; with idempotence its neighbours are delivered, the partition restarting under a bumped epoch', async () => {
    const { scheduler, cluster, sender, idempotence, done, listen } = setup({ maxInFlight: 5 }, { idempotent: true });
    const huge = 'H'.repeat(3000);
    sender.enqueue(listen(batchOf(['s1', 's2', huge, 's3'])));
    await tick();
    cluster.conn.initRequests[0].resolve(initOk(5n, 0));
    await tick();
    const reqs = cluster.conn.requests;
    reqs[0].resolve(withError(reqs[0].req, ErrorCode.MESSAGE_TOO_LARGE));
    await tick();
    // The huge record is more than half the batch: it goes alone, between the others. The first
    // part is the partition's first batch under this producer id: it goes alone, then the others.
    expect(reqs.slice(1).map((r) => stamp(r.req, 0))).toEqual([{ producerId: 5n, epoch: 0, seq: 0, values: ['s1', 's2'] }]);
    reqs[1].resolve(ok(reqs[1].req, 0n));
    await tick();
    expect(reqs.slice(2).map((r) => stamp(r.req, 0))).toEqual([
      { producerId: 5n, epoch: 0, seq: 2, values: [huge] },
      { producerId: 5n, epoch: 0, seq: 3, values: ['s3'] },
    ]);
    const hugeSize = sizeOf(reqs[2].req);
    reqs[2].resolve(withError(reqs[2].req, ErrorCode.MESSAGE_TOO_LARGE));
    reqs[3].resolve(withError(reqs[3].req, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER));
    await settle(scheduler);
    // Sequence 2 will never be written: 's3' restarts the partition at 0 under epoch 1 (KIP-360).
    expect(stamp(reqs[4].req, 0)).toEqual({ producerId: 5n, epoch: 1, seq: 0, values: ['s3'] });
    reqs[4].resolve(ok(reqs[4].req, 2n));
    await tick();
    expect(outcomes(done)).toEqual([
      ['s1,s2', 0n],
      [huge, 'MessageTooLargeError'],
      ['s3', 2n],
    ]);
    const error = done[1].error as MessageTooLargeError;
    expect(error).toBeInstanceOf(RecordTooLargeError);
    expect(error.retriable).toBe(false);
    expect([error.type, error.code, error.topic, error.partition, error.sizeBytes]).toEqual(['MESSAGE_TOO_LARGE', 10, 't', 0, hugeSize]);
    expect(error.message).toContain(`t-0 refused a record whose batch alone is ${hugeSize} bytes`);
    expect(error.message).toMatch(/max\.message\.bytes.*message\.max\.bytes.*raise max\.message\.bytes for the topic.*send smaller records/);
    expect(idempotence!.epochBumps).toBe(1);
  });

  it('a batch of one record is never split: it fails at once, without a second request', async () => {
    const { cluster, sender, done, listen } = setup();
    sender.enqueue(listen(batchOf(['only'])));
    await tick();
    const r = cluster.conn.requests[0];
    r.resolve(withError(r.req, ErrorCode.MESSAGE_TOO_LARGE));
    await tick();
    expect(outcomes(done)).toEqual([['only', 'MessageTooLargeError']]);
    expect(cluster.conn.requests).toHaveLength(1);
    expect(sender.metrics.batchSplitTotal).toBe(0);
  });

  it('after close() a refused batch fails with ProducerClosedError instead of being split', async () => {
    const { cluster, sender, done, listen } = setup();
    sender.enqueue(listen(batchOf(['a', 'b'])));
    await tick();
    sender.close();
    const r = cluster.conn.requests[0];
    r.resolve(withError(r.req, ErrorCode.MESSAGE_TOO_LARGE));
    await tick();
    expect(outcomes(done)).toEqual([['a,b', 'ProducerClosedError']]);
  });
});
