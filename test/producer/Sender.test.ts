import { VirtualTimeScheduler } from 'rxjs';
import pino from 'pino';
import { ConnectionError, DeliveryTimeoutError, KafkaProtocolError } from '../../src/errors';
import { ErrorCode } from '../../src/protocol/errorCodes';
import type { ProduceRequest, ProduceResponse } from '../../src/protocol/Produce';
import { decodeRecordBatches } from '../../src/protocol/RecordBatch';
import { ProducerBatch } from '../../src/producer/ProducerBatch';
import { Sender, SenderConfig } from '../../src/producer/Sender';

/** A broker connection whose responses the test decides, request by request. */
class FakeConnection {
  readonly requests: Array<{ req: ProduceRequest; resolve: (r: ProduceResponse) => void; reject: (e: Error) => void }> = [];
  isConnected = true;
  send(_api: unknown, req: ProduceRequest): Promise<ProduceResponse> {
    return new Promise((resolve, reject) => this.requests.push({ req, resolve, reject }));
  }
  versionFor(): number {
    return 9;
  }
}

/** Leader of every partition is node 1 unless moved; counts metadata update requests. */
class FakeCluster {
  leaders = new Map<string, number>();
  conn = new FakeConnection();
  updates = 0;
  leaderFor(topic: string, partition: number) {
    const id = this.leaders.get(`${topic}-${partition}`) ?? 1;
    return id < 0 ? undefined : { nodeId: id, host: 'h', port: 1, rack: null };
  }
  connectedConnection() {
    return this.conn;
  }
  connection() {
    return Promise.resolve(this.conn);
  }
  requestUpdate() {
    this.updates++;
  }
}

const config: SenderConfig = {
  acks: -1,
  maxInFlight: 2,
  maxRequestSize: 1 << 20,
  requestTimeoutMs: 30000,
  deliveryTimeoutMs: 1000,
  retries: 2147483647,
};

function batch(partition: number, nowMs = 0, values = ['v']): ProducerBatch {
  const b = ProducerBatch.open('t', partition, nowMs, Buffer.alloc(256));
  for (const v of values) b.append(nowMs, null, Buffer.from(v), null, v);
  b.close();
  return b;
}

function ok(req: ProduceRequest, baseOffset = 0n): ProduceResponse {
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

function withError(req: ProduceRequest, errorCode: number): ProduceResponse {
  const r = ok(req);
  for (const t of r.topics) for (const p of t.partitions) p.errorCode = errorCode;
  return r;
}

/** The record values of every batch in a request, decoded. */
function valuesOf(req: ProduceRequest): string[] {
  return req.topics.flatMap((t) =>
    t.partitions.flatMap((p) => decodeRecordBatches(p.records).flatMap((b) => b.records.map((r) => r.value!.toString()))),
  );
}

const tick = () => new Promise((r) => setImmediate(r));

/**
 * Lets drain passes (microtasks) run, then the next `steps` timers (virtual time) one at a time,
 * each followed by the drain it triggers — so time advances no further than a real clock would.
 */
async function settle(scheduler: VirtualTimeScheduler, steps = 1) {
  await tick();
  for (let i = 0; i < steps && scheduler.actions.length > 0; i++) {
    scheduler.maxFrames = scheduler.actions[0].delay;
    scheduler.flush();
    await tick();
  }
}

function setup(cfg: Partial<SenderConfig> = {}) {
  const scheduler = new VirtualTimeScheduler();
  const cluster = new FakeCluster();
  const sender = new Sender({ ...config, ...cfg }, cluster as never, null, scheduler, pino({ level: 'silent' }), 100, 1000);
  const done: ProducerBatch[] = [];
  const listen = (b: ProducerBatch) => {
    b.listener = { onBatchDone: (x) => done.push(x) };
    return b;
  };
  return { scheduler, cluster, sender, done, listen };
}

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
    const second = cluster.conn.requests[1];
    second.resolve(ok(second.req, 7n));
    await tick();
    expect(done[0].error).toBeNull();
    expect(done[0].baseOffset).toBe(7n);
    expect(done[0].attempts).toBe(2);
  });

  it('fails a batch with a non-retriable error at once, naming the Kafka error', async () => {
    const { cluster, sender, done, listen } = setup();
    sender.enqueue(listen(batch(0)));
    await tick();
    const r = cluster.conn.requests[0];
    r.resolve(withError(r.req, ErrorCode.MESSAGE_TOO_LARGE));
    await tick();
    expect(done[0].error).toBeInstanceOf(KafkaProtocolError);
    expect((done[0].error as KafkaProtocolError).type).toBe('MESSAGE_TOO_LARGE');
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
    expect(done[0].error!.message).toMatch(/deliveryTimeoutMs=350.*socket closed/);
    expect(cluster.conn.requests.length).toBeGreaterThan(1);
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

  it('waits for a leader: no request while the partition has none, then sends', async () => {
    const { scheduler, cluster, sender, listen } = setup();
    cluster.leaders.set('t-0', -1);
    sender.enqueue(listen(batch(0)));
    await tick();
    expect(cluster.conn.requests).toHaveLength(0);
    expect(cluster.updates).toBeGreaterThan(0);
    cluster.leaders.set('t-0', 1);
    sender.wakeup();
    await tick();
    scheduler.flush();
    expect(cluster.conn.requests).toHaveLength(1);
  });
});
