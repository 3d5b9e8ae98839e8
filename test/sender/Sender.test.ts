import { ConnectionError, DeliveryTimeoutError, KafkaProtocolError, SslAuthenticationError } from '../../src/errors';
import { createCodec } from '../../src/compression';
import { ErrorCode } from '../../src/protocol/errorCodes';
import { ProducerBatch } from '../../src/accumulator/ProducerBatch';
import { advanceTo, tick } from '../support/virtualTime';
import { batch, batchesOf, initOk, ok, pastFirstBatch, settle, setup, stamp, valuesOf, withError, withErrors } from '../support/senderFakes';

describe('Sender', () => {
  it('drains one batch per partition per request, up to maxInFlight requests per node', async () => {
    const { cluster, sender, listen } = setup({ maxInFlight: 2 });
    for (let i = 0; i < 3; i++) sender.enqueue(listen(batch(0)));
    sender.enqueue(listen(batch(1)));
    await tick();
    const reqs = cluster.conn.requests;
    expect(reqs).toHaveLength(2); // the bound, though a third batch of partition 0 is queued
    expect(reqs[0].req.topics[0].partitions.map((p) => p.index)).toEqual([0, 1]);
    expect(reqs[1].req.topics[0].partitions.map((p) => p.index)).toEqual([0]);
    reqs[0].resolve(ok(reqs[0].req));
    await tick();
    expect(reqs).toHaveLength(3); // a slot freed: the last batch goes
  });

  it('fails zstd batches without sending them to a broker older than Produce v7, and never retries them', async () => {
    const { cluster, sender, done, listen } = setup();
    cluster.conn.produceVersion = 6;
    const zstd = ProducerBatch.open('t', 0, 0, Buffer.alloc(256), createCodec('zstd', { gzip: -1, lz4: 9, zstd: 3 }));
    zstd.append(0, null, Buffer.from('v'), null, 'v');
    zstd.close();
    sender.enqueue(listen(zstd));
    await tick();
    expect(cluster.conn.requests).toHaveLength(0);
    expect(done).toHaveLength(1);
    expect(done[0].error).toBeInstanceOf(KafkaProtocolError);
    expect(done[0].error).toMatchObject({ type: 'UNSUPPORTED_COMPRESSION_TYPE', retriable: false });
    expect(done[0].error!.message).toMatch(/zstd needs Produce v7 \(Kafka 2.1 or later\).*up to v6: set compressionType to gzip, snappy or lz4/);
    // Other codecs go to that broker as usual.
    sender.enqueue(listen(batch(1)));
    await tick();
    expect(cluster.conn.requests).toHaveLength(1);
  });

  it('completes batches with the offsets of the response', async () => {
    const { cluster, sender, done, listen } = setup();
    sender.enqueue(listen(batch(0, 0, ['a', 'b'])));
    await tick();
    const r = cluster.conn.requests[0];
    r.resolve(ok(r.req, 42n));
    await tick();
    expect(done).toHaveLength(1);
    expect(done[0].error).toBeNull();
    expect(done[0].baseOffset).toBe(42n);
  });

  it('retries a retriable error after backoff and asks for a metadata update', async () => {
    const { scheduler, cluster, sender, done, listen } = setup();
    sender.enqueue(listen(batch(0)));
    await tick();
    const first = cluster.conn.requests[0];
    first.resolve(withError(first.req, ErrorCode.NOT_LEADER_OR_FOLLOWER));
    await tick();
    expect(cluster.updates).toBeGreaterThan(0);
    expect(cluster.conn.requests).toHaveLength(1); // backing off
    await settle(scheduler);
    expect(cluster.conn.requests).toHaveLength(2);
    expect(cluster.conn.requests[1].atMs).toBe(100); // retryBackoffMs
    const second = cluster.conn.requests[1];
    second.resolve(ok(second.req, 7n));
    await tick();
    expect(done[0].error).toBeNull();
    expect(done[0].baseOffset).toBe(7n);
    expect(done[0].attempts).toBe(2);
  });

  it.each([
    ['NOT_LEADER_OR_FOLLOWER', ErrorCode.NOT_LEADER_OR_FOLLOWER, true],
    ['UNKNOWN_TOPIC_OR_PARTITION', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, true],
    ['LEADER_NOT_AVAILABLE', ErrorCode.LEADER_NOT_AVAILABLE, true],
    ['REQUEST_TIMED_OUT', ErrorCode.REQUEST_TIMED_OUT, false],
  ])('%s is retried, with a metadata refresh: %s', async (_name, code, refresh) => {
    const { scheduler, cluster, sender, done, listen } = setup();
    sender.enqueue(listen(batch(0)));
    await tick();
    const r = cluster.conn.requests[0];
    r.resolve(withError(r.req, code));
    await settle(scheduler);
    expect(cluster.updates > 0).toBe(refresh);
    cluster.conn.requests[1].resolve(ok(cluster.conn.requests[1].req));
    await tick();
    expect(done[0].error).toBeNull();
  });

  it('asks for a metadata update when a request fails on the connection', async () => {
    const { cluster, sender, listen } = setup();
    sender.enqueue(listen(batch(0)));
    await tick();
    cluster.conn.requests[0].reject(new ConnectionError('h:1', 'socket closed'));
    await tick();
    expect(cluster.updates).toBeGreaterThan(0);
  });

  it('backs off exponentially from retryBackoffMs to retryBackoffMaxMs between retries', async () => {
    const { scheduler, cluster, sender, listen } = setup({ deliveryTimeoutMs: 60000 });
    sender.enqueue(listen(batch(0)));
    await tick();
    for (let attempt = 0; attempt < 7; attempt++) {
      const r = cluster.conn.requests[cluster.conn.requests.length - 1];
      r.resolve(withError(r.req, ErrorCode.REQUEST_TIMED_OUT));
      await settle(scheduler);
    }
    const at = cluster.conn.requests.map((r) => r.atMs);
    expect(at.slice(1).map((t, i) => t - at[i])).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('fails a batch with a non-retriable error at once, naming the Kafka error and the partition', async () => {
    const { cluster, sender, done, listen } = setup();
    sender.enqueue(listen(batch(0)));
    await tick();
    const r = cluster.conn.requests[0];
    r.resolve(withError(r.req, ErrorCode.INVALID_RECORD));
    await tick();
    expect(done[0].error).toBeInstanceOf(KafkaProtocolError);
    expect((done[0].error as KafkaProtocolError).type).toBe('INVALID_RECORD');
    expect(done[0].error!.message).toContain('t-0');
    expect(cluster.conn.requests).toHaveLength(1);
  });

  it('retries after a lost connection, and fails with DeliveryTimeoutError once deliveryTimeoutMs is spent', async () => {
    const { scheduler, cluster, sender, done, listen } = setup({ deliveryTimeoutMs: 350 });
    sender.enqueue(listen(batch(0)));
    for (let attempt = 0; done.length === 0 && attempt < 20; attempt++) {
      await tick();
      const r = cluster.conn.requests[cluster.conn.requests.length - 1];
      r.reject(new ConnectionError('h:1', 'socket closed'));
      await tick();
      scheduler.flush();
    }
    expect(done[0].error).toBeInstanceOf(DeliveryTimeoutError);
    expect(done[0].error!.message).toMatch(/t-0 .*deliveryTimeoutMs=350.*socket closed/);
    // 0, 100, 300: the next retry (700) would be past the deadline.
    expect(cluster.conn.requests.map((r) => r.atMs)).toEqual([0, 100, 300]);
  });

  it('a batch that cannot reach its leader expires with DeliveryTimeoutError saying why', async () => {
    const { scheduler, cluster, sender, done, listen } = setup({ deliveryTimeoutMs: 1000 });
    cluster.connectError = new ConnectionError('h:1', 'connect ECONNREFUSED');
    sender.enqueue(listen(batch(3)));
    await advanceTo(scheduler, 999);
    expect(done).toHaveLength(0);
    await advanceTo(scheduler, 1000);
    expect(done[0].error).toBeInstanceOf(DeliveryTimeoutError);
    expect(done[0].error!.message).toMatch(/t-3 .*ECONNREFUSED/);
    expect(cluster.updates).toBeGreaterThan(0);
  });

  it('a leader that refuses our certificate or credentials fails its batches at once with that error', async () => {
    const { scheduler, cluster, sender, done, listen } = setup({ deliveryTimeoutMs: 60000 });
    const refused = new SslAuthenticationError('h:1', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'untrusted: set ssl.ca');
    cluster.connectError = refused;
    sender.enqueue(listen(batch(0)));
    sender.enqueue(listen(batch(1)));
    await advanceTo(scheduler, 10);
    expect(done.map((b) => b.error)).toEqual([refused, refused]);
    expect(sender.hasQueued('t', 0)).toBe(false);
  });

  it('sends a retried batch alone, before later batches of its partition', async () => {
    const { scheduler, cluster, sender, done, listen } = setup({ maxInFlight: 5 });
    const b1 = listen(batch(0, 0, ['1']));
    const b2 = listen(batch(0, 0, ['2']));
    sender.enqueue(b1);
    await tick();
    sender.enqueue(b2);
    await tick();
    const [r1, r2] = cluster.conn.requests;
    r1.resolve(withError(r1.req, ErrorCode.REQUEST_TIMED_OUT));
    r2.resolve(withError(r2.req, ErrorCode.REQUEST_TIMED_OUT));
    await settle(scheduler);
    // b1 goes first, alone; b2 waits until b1 has settled.
    expect(cluster.conn.requests).toHaveLength(3);
    const r3 = cluster.conn.requests[2];
    expect(valuesOf(r3.req)).toEqual(['1']);
    r3.resolve(ok(r3.req, 0n));
    await settle(scheduler);
    const r4 = cluster.conn.requests[3];
    expect(valuesOf(r4.req)).toEqual(['2']);
    r4.resolve(ok(r4.req, 1n));
    await tick();
    expect(done.map((b) => b.metas[0])).toEqual(['1', '2']);
  });

  it('sends nothing else of a partition while its retried batch is in flight', async () => {
    const { scheduler, cluster, sender, done, listen } = setup({ maxInFlight: 5 });
    sender.enqueue(listen(batch(0, 0, ['1'])));
    await tick();
    const r1 = cluster.conn.requests[0];
    r1.resolve(withError(r1.req, ErrorCode.NOT_ENOUGH_REPLICAS));
    await settle(scheduler); // the retry of '1' is in flight
    expect(valuesOf(cluster.conn.requests[1].req)).toEqual(['1']);
    sender.enqueue(listen(batch(0, 100, ['2'])));
    sender.enqueue(listen(batch(1, 100, ['other'])));
    await tick();
    // Partition 1 is not held back; '2' would land before '1' if the retry failed again.
    expect(cluster.conn.requests.slice(2).map((r) => valuesOf(r.req))).toEqual([['other']]);
    cluster.conn.requests[1].resolve(ok(cluster.conn.requests[1].req));
    await tick();
    expect(valuesOf(cluster.conn.requests[3].req)).toEqual(['2']);
    cluster.conn.requests[3].resolve(ok(cluster.conn.requests[3].req));
    await tick();
    expect(done.filter((b) => b.partition === 0).map((b) => b.metas[0])).toEqual(['1', '2']);
  });

  it('re-enqueues failed batches in drain order, ahead of batches never sent', async () => {
    const { scheduler, cluster, sender, done, listen } = setup({ maxInFlight: 5 });
    for (const v of ['1', '2', '3']) {
      sender.enqueue(listen(batch(0, 0, [v])));
      await tick();
    }
    const [r1, r2, r3] = cluster.conn.requests;
    // Responses of one connection come in order; all three fail, with different backoffs ahead.
    r1.resolve(withError(r1.req, ErrorCode.NOT_ENOUGH_REPLICAS));
    r2.resolve(withError(r2.req, ErrorCode.NOT_ENOUGH_REPLICAS));
    r3.resolve(withError(r3.req, ErrorCode.NOT_ENOUGH_REPLICAS));
    await tick();
    sender.enqueue(listen(batch(0, 0, ['4'])));
    const sent: string[][] = [];
    for (let i = 0; i < 10 && done.length < 4; i++) {
      await tick();
      const fresh = cluster.conn.requests.slice(3 + sent.length);
      if (fresh.length === 0) await settle(scheduler); // the retry backoff
      for (const r of fresh) {
        sent.push(valuesOf(r.req));
        r.resolve(ok(r.req));
      }
    }
    // One at a time while retrying, in the original order, then the batch never sent.
    expect(sent).toEqual([['1'], ['2'], ['3'], ['4']]);
    expect(done.map((b) => b.metas[0])).toEqual(['1', '2', '3', '4']);
  });

  it('waits for a leader: no request while the partition has none, then sends', async () => {
    const { scheduler, cluster, sender, listen } = setup();
    cluster.setLeader('t', 0, -1);
    sender.enqueue(listen(batch(0)));
    await tick();
    expect(cluster.conn.requests).toHaveLength(0);
    expect(cluster.updates).toBeGreaterThan(0);
    cluster.setLeader('t', 0, 1);
    sender.wakeup();
    await tick();
    scheduler.flush();
    expect(cluster.conn.requests).toHaveLength(1);
  });

  it('after a leader change, sends nothing of the partition to the new leader while batches are in flight to the old one', async () => {
    const { scheduler, cluster, sender, done, listen } = setup({ maxInFlight: 5 });
    sender.enqueue(listen(batch(0, 0, ['1'])));
    await tick();
    expect(cluster.node(1).requests).toHaveLength(1);
    cluster.setLeader('t', 0, 2); // metadata learned of the move; '1' is still in flight to node 1
    sender.enqueue(listen(batch(0, 0, ['2'])));
    sender.enqueue(listen(batch(1, 0, ['other']))); // partition 1 has nothing in flight: it follows its leader
    await tick();
    expect(cluster.node(2).requests).toHaveLength(0);
    expect(cluster.node(1).requests.slice(1).map((r) => valuesOf(r.req))).toEqual([['other']]);
    // The old leader refuses '1'; it is retried on node 2, before '2'.
    cluster.node(1).requests[0].resolve(withError(cluster.node(1).requests[0].req, ErrorCode.NOT_LEADER_OR_FOLLOWER));
    await settle(scheduler);
    expect(cluster.node(2).requests.map((r) => valuesOf(r.req))).toEqual([['1']]);
    cluster.node(2).requests[0].resolve(ok(cluster.node(2).requests[0].req));
    await tick();
    expect(cluster.node(2).requests.map((r) => valuesOf(r.req))).toEqual([['1'], ['2']]);
    cluster.node(2).requests[1].resolve(ok(cluster.node(2).requests[1].req));
    await tick();
    expect(done.filter((b) => b.partition === 0).map((b) => b.metas[0])).toEqual(['1', '2']);
  });

  it('tells when a partition has no batch queued any more (hasQueued false), after the drain pass that took its last one', async () => {
    const told: string[] = [];
    const { cluster, sender } = setup({ maxInFlight: 1 }, { onPartitionDrained: (topic, partition) => told.push(`${topic}-${partition}`) });
    sender.enqueue(batch(0));
    sender.enqueue(batch(0));
    expect(sender.hasQueued('t', 0)).toBe(true);
    expect(sender.hasQueued('t', 1)).toBe(false);
    await tick();
    // One in flight, one still queued (maxInFlight 1).
    expect([cluster.conn.requests.length, sender.hasQueued('t', 0), told]).toEqual([1, true, []]);
    cluster.conn.requests[0].resolve(ok(cluster.conn.requests[0].req));
    await tick();
    expect([cluster.conn.requests.length, sender.hasQueued('t', 0), told]).toEqual([2, false, ['t-0']]);
  });

  it('close() fails queued batches with ProducerClosedError', async () => {
    const { cluster, sender, done, listen } = setup({ maxInFlight: 1 });
    sender.enqueue(listen(batch(0)));
    sender.enqueue(listen(batch(0)));
    await tick();
    sender.close();
    expect(done.map((b) => b.error?.name)).toEqual(['ProducerClosedError']);
    cluster.conn.requests[0].resolve(ok(cluster.conn.requests[0].req));
    await tick();
    expect(done[1].error).toBeNull(); // in flight: finishes on its own
  });
});

describe('Sender with idempotence', () => {
  it('waits for InitProducerId, then stamps the producer id, epoch and base sequences 0, n, n+m… per partition', async () => {
    const { cluster, sender, listen } = setup({ maxInFlight: 5 }, { idempotent: true });
    sender.enqueue(listen(batch(0, 0, ['a', 'b'])));
    sender.enqueue(listen(batch(0, 0, ['c', 'd', 'e'])));
    sender.enqueue(listen(batch(1, 0, ['x'])));
    await tick();
    expect(cluster.conn.requests).toHaveLength(0);
    expect(cluster.conn.initRequests).toHaveLength(1); // one exchange, though three batches woke the sender
    expect(cluster.conn.initRequests[0].req).toMatchObject({ transactionalId: null, producerId: -1n, producerEpoch: -1 });
    cluster.conn.initRequests[0].resolve(initOk(1000n, 3));
    await tick();
    const [r1] = cluster.conn.requests;
    expect(stamp(r1.req, 0)).toEqual({ producerId: 1000n, epoch: 3, seq: 0, values: ['a', 'b'] });
    expect(stamp(r1.req, 1)).toEqual({ producerId: 1000n, epoch: 3, seq: 0, values: ['x'] });
    // A partition's first batch under a producer id goes alone (mustWaitForFirstAck); then they pipeline.
    expect(cluster.conn.requests).toHaveLength(1);
    r1.resolve(ok(r1.req));
    await tick();
    const r2 = cluster.conn.requests[1];
    expect(stamp(r2.req, 0)).toEqual({ producerId: 1000n, epoch: 3, seq: 2, values: ['c', 'd', 'e'] });
    sender.enqueue(listen(batch(0, 0, ['f'])));
    sender.enqueue(listen(batch(1, 0, ['y', 'z'])));
    await tick();
    const r3 = cluster.conn.requests[2];
    expect(stamp(r3.req, 0).seq).toBe(5);
    expect(stamp(r3.req, 1).seq).toBe(1);
    expect(cluster.conn.initRequests).toHaveLength(1);
  });

  it('resends a retried batch with the same producer id, epoch, sequence and bytes', async () => {
    const { scheduler, cluster, sender, done, listen } = setup({}, { idempotent: true });
    sender.enqueue(listen(batch(0, 0, ['a', 'b'])));
    await tick();
    cluster.conn.initRequests[0].resolve(initOk(7n, 0));
    await tick();
    sender.enqueue(listen(batch(0, 0, ['c'])));
    await tick();
    const [r1] = cluster.conn.requests;
    r1.resolve(withError(r1.req, ErrorCode.REQUEST_TIMED_OUT));
    await settle(scheduler);
    const r2 = cluster.conn.requests[1];
    expect(stamp(r2.req, 0)).toEqual(stamp(r1.req, 0));
    expect(r2.req.topics[0].partitions[0].records.equals(r1.req.topics[0].partitions[0].records)).toBe(true);
    r2.resolve(ok(r2.req, 0n));
    await tick();
    const r3 = cluster.conn.requests[2];
    expect(stamp(r3.req, 0)).toEqual({ producerId: 7n, epoch: 0, seq: 2, values: ['c'] });
    r3.resolve(ok(r3.req, 2n));
    await tick();
    expect(done.map((b) => b.error)).toEqual([null, null]);
  });

  it('counts DUPLICATE_SEQUENCE_NUMBER as delivered (the broker has the batch already)', async () => {
    const { cluster, sender, idempotence, done, listen } = setup({}, { idempotent: true });
    sender.enqueue(listen(batch(0, 0, ['a'])));
    await tick();
    cluster.conn.initRequests[0].resolve(initOk(7n, 0));
    await tick();
    const r = cluster.conn.requests[0];
    r.resolve(withError(r.req, ErrorCode.DUPLICATE_SEQUENCE_NUMBER));
    await tick();
    expect(done[0].error).toBeNull();
    expect(done[0].baseOffset).toBe(-1n); // no offset given: the acks say -1
    expect(idempotence!.epochBumps).toBe(0);
  });

  it("after a sequenced batch expires, its partition restarts at 0 under a bumped epoch; another partition first settles what it sent under the old one", async () => {
    const s = setup({ maxInFlight: 5, deliveryTimeoutMs: 1000 }, { idempotent: true });
    const { scheduler, cluster, sender, idempotence, done, listen } = s;
    await pastFirstBatch(s, 1000n, [1]);
    sender.enqueue(listen(batch(0, 0, ['lost'])));
    await tick();
    // 'lost' gets sequence 0 on partition 0, fails, and waits for a leader it never gets back.
    const r1 = cluster.conn.requests[0];
    expect(stamp(r1.req, 0).seq).toBe(0);
    cluster.setLeader('t', 0, -1);
    r1.resolve(withError(r1.req, ErrorCode.NOT_LEADER_OR_FOLLOWER));
    await advanceTo(scheduler, 500);
    sender.enqueue(listen(batch(1, 500, ['p1-a'])));
    await tick();
    sender.enqueue(listen(batch(1, 500, ['p1-b'])));
    await tick();
    const [r2, r3] = cluster.conn.requests.slice(1);
    expect([stamp(r2.req, 1).seq, stamp(r3.req, 1).seq]).toEqual([1, 2]);

    await advanceTo(scheduler, 1000);
    expect(done.map((b) => b.metas[0])).toEqual(['lost']);
    expect(done[0].error).toBeInstanceOf(DeliveryTimeoutError);
    // Partition 0 has nothing in flight: it restarts at once under epoch 1 (a local bump, no
    // InitProducerId). Partition 1 has p1-a and p1-b in flight under epoch 0: its next batch waits.
    cluster.setLeader('t', 0, 1);
    sender.enqueue(listen(batch(0, 1000, ['p0-next'])));
    sender.enqueue(listen(batch(1, 1000, ['p1-next'])));
    await tick();
    expect(cluster.conn.initRequests).toHaveLength(1);
    expect(idempotence!.epochBumps).toBe(1);
    expect(cluster.conn.requests).toHaveLength(4);
    const r4 = cluster.conn.requests[3];
    expect([...batchesOf(r4.req).keys()]).toEqual([0]);
    expect(stamp(r4.req, 0)).toEqual({ producerId: 1000n, epoch: 1, seq: 0, values: ['p0-next'] });
    r2.resolve(ok(r2.req, 0n));
    await tick();
    expect(cluster.conn.requests).toHaveLength(4);
    r3.resolve(ok(r3.req, 1n));
    await tick();
    const r5 = cluster.conn.requests[4];
    expect(stamp(r5.req, 1)).toEqual({ producerId: 1000n, epoch: 1, seq: 0, values: ['p1-next'] });
    expect(idempotence!.epochBumps).toBe(1);
  });

  it("a bump for one partition leaves another partition's retries under their old epoch and sequences, so the broker can still spot a duplicate", async () => {
    const s = setup({ maxInFlight: 5 }, { idempotent: true });
    const { scheduler, cluster, sender, idempotence, done, listen } = s;
    await pastFirstBatch(s, 1000n, [0, 1]);
    sender.enqueue(listen(batch(0, 0, ['bad'])));
    sender.enqueue(listen(batch(1, 0, ['retry-me'])));
    await tick();
    sender.enqueue(listen(batch(1, 0, ['after'])));
    await tick();
    const [r1, r2] = cluster.conn.requests;
    expect(stamp(r2.req, 1).seq).toBe(2);
    // One request: partition 0 fails for good (its sequences need a reset), partition 1 is
    // retriable (and may have been written); then 'after' is refused behind it.
    r1.resolve(withErrors(r1.req, { 0: ErrorCode.INVALID_RECORD, 1: ErrorCode.NOT_ENOUGH_REPLICAS }));
    r2.resolve(withError(r2.req, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER));
    await settle(scheduler);
    const r3 = cluster.conn.requests[2];
    expect(stamp(r3.req, 1)).toEqual({ producerId: 1000n, epoch: 0, seq: 1, values: ['retry-me'] });
    r3.resolve(ok(r3.req));
    await settle(scheduler);
    expect(stamp(cluster.conn.requests[3].req, 1)).toEqual({ producerId: 1000n, epoch: 0, seq: 2, values: ['after'] });
    cluster.conn.requests[3].resolve(ok(cluster.conn.requests[3].req, 1n));
    await tick();
    expect(done.map((b) => [b.metas[0], b.error?.name ?? null])).toEqual([
      ['bad', 'KafkaProtocolError'],
      ['retry-me', null],
      ['after', null],
    ]);
    // Partition 0 restarts under a bumped epoch when it next has something to send.
    expect(idempotence!.epochBumps).toBe(0);
    sender.enqueue(listen(batch(0, scheduler.now(), ['p0-next'])));
    await tick();
    expect(stamp(cluster.conn.requests[4].req, 0)).toEqual({ producerId: 1000n, epoch: 1, seq: 0, values: ['p0-next'] });
  });

  it('INVALID_PRODUCER_EPOCH (fenced): asks for a new producer id and resends the batch under it from sequence 0', async () => {
    const s = setup({ maxInFlight: 5, deliveryTimeoutMs: 30000 }, { idempotent: true });
    const { scheduler, cluster, sender, done, listen } = s;
    await pastFirstBatch(s, 5n, [0, 1]);
    sender.enqueue(listen(batch(0, 0, ['a'])));
    sender.enqueue(listen(batch(1, 0, ['b'])));
    await tick();
    sender.enqueue(listen(batch(0, 0, ['a2'])));
    await tick();
    const [r1, r2] = cluster.conn.requests;
    r1.resolve(withErrors(r1.req, { 0: ErrorCode.INVALID_PRODUCER_EPOCH, 1: ErrorCode.NOT_ENOUGH_REPLICAS }));
    r2.resolve(withError(r2.req, ErrorCode.INVALID_PRODUCER_EPOCH));
    await settle(scheduler);
    expect(cluster.conn.initRequests).toHaveLength(2);
    expect(cluster.conn.initRequests[1].req).toMatchObject({ producerId: -1n, producerEpoch: -1 });
    expect(cluster.conn.requests).toHaveLength(2); // nothing is sent while the new id is pending
    cluster.conn.initRequests[1].resolve(initOk(6n, 0));
    await advanceTo(scheduler, 1000);
    // (Requests hold the batches' bytes, which a restamp rewrites in place: look at new requests only.)
    const sent = cluster.conn.requests.slice(2).flatMap((r) => [...batchesOf(r.req).keys()].map((p) => ({ p, ...stamp(r.req, p) })));
    // Partition 0 restarts under the new id; partition 1's retry keeps the id it may have been written under.
    expect(sent.filter((x) => x.p === 0)[0]).toEqual({ p: 0, producerId: 6n, epoch: 0, seq: 0, values: ['a'] });
    expect(sent.filter((x) => x.p === 1)[0]).toEqual({ p: 1, producerId: 5n, epoch: 0, seq: 1, values: ['b'] });
    for (const r of cluster.conn.requests.slice(2)) r.resolve(ok(r.req));
    await advanceTo(scheduler, 2000);
    const last = cluster.conn.requests[cluster.conn.requests.length - 1];
    expect(stamp(last.req, 0)).toEqual({ producerId: 6n, epoch: 0, seq: 1, values: ['a2'] });
    last.resolve(ok(last.req));
    await tick();
    expect(done.map((b) => b.error)).toEqual([null, null, null]);
  });

  it('OUT_OF_ORDER_SEQUENCE_NUMBER behind a batch being retried: retried in order, same sequences, no bump', async () => {
    const s = setup({ maxInFlight: 5 }, { idempotent: true });
    const { scheduler, cluster, sender, idempotence, done, listen } = s;
    await pastFirstBatch(s, 9n);
    sender.enqueue(listen(batch(0, 0, ['1'])));
    await tick();
    sender.enqueue(listen(batch(0, 0, ['2'])));
    await tick();
    const [r1, r2] = cluster.conn.requests;
    // What a real broker answers: '1' was not appended, so '2' does not follow.
    r1.resolve(withError(r1.req, ErrorCode.NOT_LEADER_OR_FOLLOWER));
    r2.resolve(withError(r2.req, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER));
    await settle(scheduler);
    expect(idempotence!.epochBumps).toBe(0);
    const r3 = cluster.conn.requests[2];
    expect(stamp(r3.req, 0)).toEqual({ producerId: 9n, epoch: 0, seq: 1, values: ['1'] });
    r3.resolve(ok(r3.req, 0n));
    await settle(scheduler);
    const r4 = cluster.conn.requests[3];
    expect(stamp(r4.req, 0)).toEqual({ producerId: 9n, epoch: 0, seq: 2, values: ['2'] });
    r4.resolve(ok(r4.req, 1n));
    await tick();
    expect(done.map((b) => [b.metas[0], b.error])).toEqual([
      ['1', null],
      ['2', null],
    ]);
    expect(cluster.conn.initRequests).toHaveLength(1);
  });

  it.each([
    ['OUT_OF_ORDER_SEQUENCE_NUMBER', ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
    ['UNKNOWN_PRODUCER_ID', ErrorCode.UNKNOWN_PRODUCER_ID],
  ])('%s with nothing earlier unsettled: bumps the epoch locally and resends the batch from sequence 0', async (_name, code) => {
    const { scheduler, cluster, sender, idempotence, done, listen } = setup({}, { idempotent: true });
    sender.enqueue(listen(batch(0, 0, ['a'])));
    await tick();
    cluster.conn.initRequests[0].resolve(initOk(5n, 2));
    await tick();
    sender.enqueue(listen(batch(0, 0, ['b'])));
    await tick();
    const r1 = cluster.conn.requests[0];
    r1.resolve(ok(r1.req, 0n));
    await tick();
    const r2 = cluster.conn.requests[1];
    expect(stamp(r2.req, 0).seq).toBe(1);
    r2.resolve(withError(r2.req, code));
    await settle(scheduler);
    expect(cluster.conn.initRequests).toHaveLength(1);
    expect(idempotence!.epochBumps).toBe(1);
    const r3 = cluster.conn.requests[2];
    expect(stamp(r3.req, 0)).toEqual({ producerId: 5n, epoch: 3, seq: 0, values: ['b'] });
    r3.resolve(ok(r3.req, 1n));
    await tick();
    expect(done.map((b) => b.error)).toEqual([null, null]);
  });

  it('a batch failing for good with later ones in flight: they come back out of order and restart at 0 under a bumped epoch, in order', async () => {
    const s = setup({ maxInFlight: 5 }, { idempotent: true });
    const { scheduler, cluster, sender, done, listen } = s;
    await pastFirstBatch(s, 5n);
    sender.enqueue(listen(batch(0, 0, ['invalid'])));
    await tick();
    sender.enqueue(listen(batch(0, 0, ['next'])));
    await tick();
    sender.enqueue(listen(batch(0, 0, ['last'])));
    await tick();
    const [r1, r2, r3] = cluster.conn.requests;
    expect([stamp(r1.req, 0).seq, stamp(r2.req, 0).seq, stamp(r3.req, 0).seq]).toEqual([1, 2, 3]);
    // 'invalid' fails for good, so 'next' and 'last' no longer follow what the broker has.
    r1.resolve(withError(r1.req, ErrorCode.INVALID_RECORD));
    r2.resolve(withError(r2.req, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER));
    await settle(scheduler);
    expect(cluster.conn.requests).toHaveLength(3); // 'last' is still in flight under epoch 0
    r3.resolve(withError(r3.req, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER));
    await settle(scheduler);
    const r4 = cluster.conn.requests[3];
    expect(stamp(r4.req, 0)).toEqual({ producerId: 5n, epoch: 1, seq: 0, values: ['next'] });
    r4.resolve(ok(r4.req));
    await settle(scheduler);
    const r5 = cluster.conn.requests[4];
    expect(stamp(r5.req, 0)).toEqual({ producerId: 5n, epoch: 1, seq: 1, values: ['last'] });
    r5.resolve(ok(r5.req, 1n));
    await tick();
    expect(done.map((b) => b.error?.name ?? null)).toEqual(['KafkaProtocolError', null, null]);
    expect(cluster.conn.initRequests).toHaveLength(1);
  });

  it('retries InitProducerId after a retriable error, with backoff', async () => {
    const { scheduler, cluster, sender, done, listen } = setup({ deliveryTimeoutMs: 5000 }, { idempotent: true });
    sender.enqueue(listen(batch(0, 0, ['a'])));
    await tick();
    cluster.conn.initRequests[0].resolve(initOk(-1n, -1, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS));
    await settle(scheduler);
    cluster.conn.initRequests[1].reject(new ConnectionError('h:1', 'socket closed'));
    await settle(scheduler);
    expect(cluster.conn.initRequests.map((r) => r.atMs)).toEqual([0, 100, 300]);
    cluster.conn.initRequests[2].resolve(initOk(3n, 0));
    await tick();
    const r = cluster.conn.requests[0];
    expect(stamp(r.req, 0)).toEqual({ producerId: 3n, epoch: 0, seq: 0, values: ['a'] });
    r.resolve(ok(r.req));
    await tick();
    expect(done[0].error).toBeNull();
  });

  it('InitProducerId failing for good fails the queued batches with an error that says what to do; later batches try again', async () => {
    const { cluster, sender, done, listen } = setup({}, { idempotent: true });
    sender.enqueue(listen(batch(0, 0, ['a'])));
    sender.enqueue(listen(batch(1, 0, ['b'])));
    await tick();
    cluster.conn.initRequests[0].resolve(initOk(-1n, -1, ErrorCode.CLUSTER_AUTHORIZATION_FAILED));
    await tick();
    expect(done).toHaveLength(2);
    for (const b of done) {
      expect(b.error).toBeInstanceOf(KafkaProtocolError);
      expect((b.error as KafkaProtocolError).type).toBe('CLUSTER_AUTHORIZATION_FAILED');
      expect(b.error!.message).toMatch(/InitProducerId.*idempotence: false/);
    }
    expect(cluster.conn.requests).toHaveLength(0);
    sender.enqueue(listen(batch(0, 0, ['c'])));
    await tick();
    expect(cluster.conn.initRequests).toHaveLength(2);
  });

  it('queued batches still expire while InitProducerId is pending', async () => {
    const { scheduler, cluster, sender, done, listen } = setup({ deliveryTimeoutMs: 1000 }, { idempotent: true });
    sender.enqueue(listen(batch(0, 0, ['a'])));
    await tick();
    expect(cluster.conn.initRequests).toHaveLength(1); // never answered
    await advanceTo(scheduler, 1000);
    expect(done[0].error).toBeInstanceOf(DeliveryTimeoutError);
    expect(done[0].error!.message).toContain('t-0');
  });
});
