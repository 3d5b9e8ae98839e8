// Bad input on the real mock cluster (RXKAFKA_MOCK_VERSION), checked against what kcat reads back:
//  - a malformed Produce response: the producer resets the connection, retries the batches under
//    the same producer id, epoch and sequences, and every record ends up in the log exactly once;
//  - bad records (a serializer or partitioner that throws, a partitioner answering a partition
//    that does not exist, a record with neither key nor value, headers of the wrong type): those
//    records fail on their own acks with typed errors, and the others are delivered as if nothing
//    happened — or, with stopOnError, the stream errors once the work it had accepted settled.
import * as net from 'node:net';
import { from, lastValueFrom, tap, toArray } from 'rxjs';
import {
  InvalidRecordError,
  PartitionerError,
  RecordError,
  SerializationError,
  toKafka,
  type Partitioner,
  type Serializer,
} from '../../operators';
import { Reader } from '../../src/protocol/Reader';
import { decodeRecordBatches } from '../../src/protocol/RecordBatchDecoder';
import type { Ack, ProducerRecord, RecordMetadata } from '../../src/types';
import { ConsumedRecord, kcatConsume } from '../support/kcat';
import { MockCluster } from '../support/MockCluster';

const PRODUCE = 0;
const METADATA = 3;
/** First flexible versions (compact fields; response header v1 with a tagged-field byte). */
const PRODUCE_FLEXIBLE_FROM = 9;
const INT32_MAX = 0x7fffffff;

let cluster: MockCluster;
let topicSeq = 0;

beforeAll(async () => {
  cluster = await MockCluster.start({ brokers: 1 });
});

afterAll(async () => {
  await cluster?.stop();
});

async function newTopic(partitions = 3): Promise<string> {
  const name = `bad-input-${process.pid}-${++topicSeq}`;
  await cluster.createTopic(name, partitions, 1);
  return name;
}

// ---- a proxy that corrupts the first Produce response ----

/** One produce batch as it went on the wire: enough to recognise the same batch resent. */
interface SentBatch {
  partition: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/** What the proxy saw of one client connection. */
interface ProxiedConnection {
  /** Batches of each Produce request, in request order. */
  produced: SentBatch[][];
  /** This connection carried the corrupted response. */
  corrupted: boolean;
  /** The client (the producer) closed it. */
  closedByClient: boolean;
}

/**
 * A TCP proxy in front of one broker. It points Metadata's broker address at itself, so that the
 * producer's broker connections go through it too, and it corrupts the first Produce response:
 * its topic count becomes 2^31-1 in a body of a few dozen bytes.
 *
 * `forward`: the first Produce request still reaches the broker, which appends it — the real
 * failure, where only the answer is lost; the strict broker (2.12) then acks the resent batches
 * as duplicates. Otherwise the proxy answers that request itself and the broker never sees it —
 * for the stock 2.0.2 mock, which would append a resent batch twice.
 */
class CorruptingProxy {
  readonly connections: ProxiedConnection[] = [];
  private corruptedOne = false;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly broker: { host: string; port: number },
    private readonly forward: boolean,
  ) {}

  static async start(brokerAddress: string, forward: boolean): Promise<CorruptingProxy> {
    const [host, port] = brokerAddress.split(':');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new CorruptingProxy(server, (server.address() as net.AddressInfo).port, { host, port: Number(port) }, forward);
    server.on('connection', (client) => proxy.accept(client));
    return proxy;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const seen: ProxiedConnection = { produced: [], corrupted: false, closedByClient: false };
    this.connections.push(seen);
    const upstream = net.connect(this.broker.port, this.broker.host);
    /** Responses owed to the client, in request order; `answer` set when the proxy answers itself. */
    const owed: Array<{ correlationId: number; apiKey: number; apiVersion: number; corrupt: boolean; answer: Buffer | null }> = [];
    const flushOwnAnswers = (): void => {
      while (owed.length > 0 && owed[0].answer !== null) client.write(owed.shift()!.answer!);
    };
    client.on('error', () => undefined);
    upstream.on('error', () => client.destroy());
    client.on('close', () => {
      seen.closedByClient = true;
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());

    onFrames(client, (frame) => {
      const apiKey = frame.readInt16BE(4);
      const apiVersion = frame.readInt16BE(6);
      const correlationId = frame.readInt32BE(8);
      let corrupt = false;
      if (apiKey === PRODUCE) {
        seen.produced.push(produceRequestBatches(frame, apiVersion));
        corrupt = !this.corruptedOne;
        this.corruptedOne = true;
        seen.corrupted ||= corrupt;
      }
      if (corrupt && !this.forward) {
        owed.push({ correlationId, apiKey, apiVersion, corrupt, answer: corruptProduceResponse(correlationId, apiVersion, null) });
        flushOwnAnswers();
        return;
      }
      owed.push({ correlationId, apiKey, apiVersion, corrupt, answer: null });
      upstream.write(frame);
    });

    onFrames(upstream, (frame) => {
      const request = owed.shift()!;
      expect(frame.readInt32BE(4)).toBe(request.correlationId);
      if (request.apiKey === METADATA) pointBrokerAt(frame, this.broker, this.port);
      client.write(request.corrupt ? corruptProduceResponse(request.correlationId, request.apiVersion, frame) : frame);
      flushOwnAnswers();
    });
  }
}

/** Calls `onFrame` with each size-prefixed frame (prefix included) arriving on `socket`. */
function onFrames(socket: net.Socket, onFrame: (frame: Buffer) => void): void {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = 4 + pending.readInt32BE(0);
      onFrame(Buffer.from(pending.subarray(0, size)));
      pending = pending.subarray(size);
    }
  });
}

/**
 * A Produce response frame whose topic count claims 2^31-1 topics: `frame`'s own body overwritten
 * (size kept), or a 24-byte frame of its own when `frame` is null.
 */
function corruptProduceResponse(correlationId: number, apiVersion: number, frame: Buffer | null): Buffer {
  const flexible = apiVersion >= PRODUCE_FLEXIBLE_FROM;
  const out = frame ?? Buffer.alloc(24, 0x01);
  out.writeInt32BE(out.length - 4, 0);
  out.writeInt32BE(correlationId, 4);
  let at = 8;
  if (flexible) out[at++] = 0; // response header v1: no tagged fields
  // INT32 count, or COMPACT count+1 = 2^31 as a 5-byte uvarint.
  if (flexible) Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08]).copy(out, at);
  else out.writeInt32BE(INT32_MAX, at);
  return out;
}

/** Rewrites, in place, the broker's port in a Metadata response frame to the proxy's. */
function pointBrokerAt(frame: Buffer, broker: { host: string; port: number }, proxyPort: number): void {
  const needle = Buffer.alloc(broker.host.length + 4);
  needle.write(broker.host, 0, 'latin1');
  needle.writeInt32BE(broker.port, broker.host.length);
  const at = frame.indexOf(needle);
  expect(at).toBeGreaterThan(0);
  frame.writeInt32BE(proxyPort, at + broker.host.length);
}

/** The record batches of a Produce request frame (request header v1, or v2 when flexible). */
function produceRequestBatches(frame: Buffer, apiVersion: number): SentBatch[] {
  const flexible = apiVersion >= PRODUCE_FLEXIBLE_FROM;
  const r = new Reader(frame, 12); // size, api key, version, correlation id
  r.string(); // client id: a STRING in both header versions
  if (flexible) r.skipTaggedFields();
  if (flexible) r.compactString();
  else r.string(); // transactional id
  r.int16(); // acks
  r.int32(); // timeout
  const batches: SentBatch[] = [];
  const topics = flexible ? r.compactArrayLength() : r.arrayLength();
  for (let t = 0; t < topics; t++) {
    if (flexible) r.compactString();
    else r.string();
    const partitions = flexible ? r.compactArrayLength() : r.arrayLength();
    for (let p = 0; p < partitions; p++) {
      const partition = r.int32();
      const records = (flexible ? r.compactBytes() : r.bytes())!;
      if (flexible) r.skipTaggedFields();
      for (const b of decodeRecordBatches(records)) {
        batches.push({ partition, producerId: b.producerId, producerEpoch: b.producerEpoch, baseSequence: b.baseSequence, recordsCount: b.recordsCount });
      }
    }
    if (flexible) r.skipTaggedFields();
  }
  return batches;
}

// ---- helpers ----

function succeeded<M>(acks: Ack<M>[]): RecordMetadata<M>[] {
  return acks.filter((a): a is RecordMetadata<M> => a.error === undefined);
}

/** Every acked record is in the log at its ack's coordinates with its value, and nothing else is. */
function expectLogMatchesAcks(read: ConsumedRecord[], acked: RecordMetadata<number>[], valueOf: (meta: number) => string): void {
  expect(read).toHaveLength(acked.length);
  const byCoordinate = new Map(read.map((r) => [`${r.partition}:${r.offset}`, r]));
  for (const a of acked) {
    const found = byCoordinate.get(`${a.partition}:${a.offset}`);
    expect(found?.value).toBe(valueOf(a.meta!));
  }
}

describe('a malformed Produce response', () => {
  it('resets the connection; the batches are resent as they were and every record is in the log once', async () => {
    const topic = await newTopic(3);
    // The strict broker (2.12) acks a resent batch as the duplicate it is. The stock 2.0.2 mock
    // appends it again, so there the corrupted request never reaches it, and one request at a
    // time keeps others from being in flight (appended, answer lost) when the connection resets.
    const strict = cluster.version === '2.12';
    const proxy = await CorruptingProxy.start(cluster.brokers[0], strict);
    try {
      const n = 3000;
      const records: Numbered[] = [];
      for (let i = 0; i < n; i++) records.push({ key: `k${i % 31}`, value: `v${i}`, meta: i });
      // Whether the producer had closed the corrupted connection while the stream was still
      // running (at the end it closes every connection anyway).
      let resetMidStream = false;
      const acks = await lastValueFrom(
        from(records).pipe(
          toKafka({ brokers: proxy.address, topic, lingerMs: 5, maxInFlight: strict ? 5 : 1 }),
          tap(() => {
            resetMidStream ||= proxy.connections.some((c) => c.corrupted && c.closedByClient);
          }),
          toArray(),
        ),
      );

      // Every record acked once, none failed.
      expect(acks.filter((a) => a.error !== undefined)).toEqual([]);
      expect(new Set(acks.map((a) => a.meta)).size).toBe(n);

      // The connection that got the corrupt answer was closed by the producer...
      const corrupted = proxy.connections.filter((c) => c.corrupted);
      expect(corrupted).toHaveLength(1);
      expect(resetMidStream).toBe(true);
      // ...and the batches of that request were sent again on another connection, with the same
      // producer id, epoch and sequence numbers: a retry, not new records.
      const lost = corrupted[0].produced[0];
      expect(lost.length).toBeGreaterThan(0);
      const later = proxy.connections.filter((c) => !c.corrupted).flatMap((c) => c.produced.flat());
      for (const batch of lost) expect(later).toContainEqual(batch);

      // kcat (CRC-checked) reads every record exactly once, where its ack says.
      const read = await kcatConsume(cluster.bootstrap, topic);
      expectLogMatchesAcks(read, succeeded(acks), (i) => `v${i}`);
      // Per key, the log keeps send order.
      const perKey = new Map<string, number[]>();
      for (const r of read) perKey.set(r.key!, [...(perKey.get(r.key!) ?? []), Number(r.value!.slice(1))]);
      for (const order of perKey.values()) expect(order).toEqual([...order].sort((a, b) => a - b));
    } finally {
      await proxy.stop();
    }
  });
});

// ---- per-record bad input ----

/** How record i goes wrong, if it does (every 20 records, one of each kind). */
type Fault = 'serializer' | 'partitioner-throws' | 'partition-out-of-range' | 'partition-not-integer' | 'empty' | 'header-value' | 'header-key' | 'header-map';

const FAULTS: ReadonlyMap<number, Fault> = new Map([
  [3, 'serializer'],
  [5, 'partitioner-throws'],
  [7, 'partition-out-of-range'],
  [9, 'partition-not-integer'],
  [11, 'empty'],
  [13, 'header-value'],
  [15, 'header-key'],
  [17, 'header-map'],
]);

function faultOf(i: number): Fault | undefined {
  return FAULTS.get(i % 20);
}

/** A record whose meta (its index) is always set: its acks' meta is a number. */
type Numbered = ProducerRecord<string, string, number> & { meta: number };

/** Record i: keyed and with a header when good, broken as faultOf(i) says otherwise. */
function record(i: number): Numbered {
  const good: Numbered = { key: `k${i % 7}`, value: `v${i}`, headers: { n: `${i}` }, meta: i };
  switch (faultOf(i)) {
    case 'serializer':
      return { ...good, value: 'unencodable' };
    case 'empty':
      return { meta: i };
    case 'header-value':
      return { ...good, headers: { n: i as never } };
    case 'header-key':
      return { ...good, headers: [{ key: i as never, value: 'x' }] };
    case 'header-map':
      return { ...good, headers: new Map([['n', `${i}`]]) as never };
    default:
      return good;
  }
}

/** A value serializer that refuses the value 'unencodable', as a schema check would. */
const valueSerializer: Serializer<string> = (value) => {
  if (value === 'unencodable') throw new Error(`no schema accepts '${value}'`);
  return Buffer.from(value);
};

/** Spreads records by meta, and misbehaves on the records meant to test it. */
const partitioner: Partitioner = (r, numPartitions) => {
  const i = r.meta as number;
  switch (faultOf(i)) {
    case 'partitioner-throws':
      throw new Error(`no route for record ${i}`);
    case 'partition-out-of-range':
      return numPartitions;
    case 'partition-not-integer':
      return 0.5;
    default:
      return i % numPartitions;
  }
};

/** The error class and message expected on the ack of record i with fault f. */
function expectedFailure(f: Fault, i: number): [new (...args: never[]) => Error, RegExp] {
  switch (f) {
    case 'serializer':
      return [SerializationError, /^could not serialize the record's value: no schema accepts 'unencodable'$/];
    case 'partitioner-throws':
      return [PartitionerError, new RegExp(`^the partitioner threw for a record of topic '.*': no route for record ${i}; fix the partitioner`)];
    case 'partition-out-of-range':
      return [PartitionerError, /the partitioner returned 3 for topic '.*', which has 3 partitions: it must return an integer from 0 to 2/];
    case 'partition-not-integer':
      return [PartitionerError, /the partitioner returned 0.5 for topic/];
    case 'empty':
      return [InvalidRecordError, /^record has neither a key nor a value: set value/];
    case 'header-value':
      return [SerializationError, /header 'n': header values must be a string, a Buffer or null, got a number/];
    case 'header-key':
      return [SerializationError, /header #0: header key must be a string, got a number/];
    case 'header-map':
      return [SerializationError, /headers: expected a plain object .* got a Map: convert it with Object.fromEntries\(map\)/];
  }
}

describe('bad records', () => {
  it('fail on their own acks with typed errors; the other records are delivered and read back by kcat', async () => {
    const topic = await newTopic(3);
    const n = 400;
    const records = Array.from({ length: n }, (_, i) => record(i));
    const acks = await lastValueFrom(
      from(records).pipe(
        toKafka({ brokers: cluster.bootstrap, topic, stopOnError: false, partitioner, serializers: { value: valueSerializer } }),
        toArray(),
      ),
    );

    expect(acks).toHaveLength(n);
    expect(new Set(acks.map((a) => a.meta)).size).toBe(n);
    for (const ack of acks) {
      const i = ack.meta!;
      const fault = faultOf(i);
      if (fault === undefined) {
        expect(ack.error).toBeUndefined();
        expect(ack.partition).toBe(i % 3);
        continue;
      }
      const [type, message] = expectedFailure(fault, i);
      expect(ack.error).toBeInstanceOf(type);
      expect(ack.error!.message).toMatch(message);
      expect(ack.offset).toBeUndefined();
      if (ack.error instanceof RecordError) expect(ack.error.record.meta).toBe(i);
    }
    const good = succeeded(acks);
    expect(good).toHaveLength(n - (n / 20) * FAULTS.size);

    const read = await kcatConsume(cluster.bootstrap, topic);
    expectLogMatchesAcks(read, good, (i) => `v${i}`);
    for (const r of read) expect(r.headers).toEqual([['n', r.value!.slice(1)]]);
  });

  it.each([
    ['a serializer that throws', 43, SerializationError],
    ['a partitioner that throws', 45, PartitionerError],
    ['a partitioner returning a partition that does not exist', 47, PartitionerError],
    ['a record with neither key nor value', 51, InvalidRecordError],
    ['a header value of the wrong type', 53, SerializationError],
  ])('with stopOnError, %s errors the stream once the records accepted before it are acked', async (_what, bad, type) => {
    const topic = await newTopic(3);
    // Only the 51st record is broken (meta `bad`); the others have metas that faultOf() spares.
    const records = Array.from({ length: 100 }, (_, i) => (i === 50 ? record(bad) : record(i * 20)));
    const acks: Ack<number>[] = [];
    const error = await new Promise<unknown>((resolve) => {
      from(records)
        .pipe(toKafka({ brokers: cluster.bootstrap, topic, partitioner, serializers: { value: valueSerializer } }))
        .subscribe({ next: (a) => acks.push(a), error: resolve, complete: () => resolve(null) });
    });

    expect(error).toBeInstanceOf(RecordError);
    const failure = error as RecordError<number>;
    expect(failure.record.meta).toBe(bad);
    // A RecordError subclass (PartitionerError, InvalidRecordError) is the stream's error itself;
    // any other typed error (SerializationError) comes as the cause of a RecordError.
    expect(type.prototype instanceof RecordError ? failure : failure.cause).toBeInstanceOf(type);
    expect(failure.message).toMatch(/the stream stopped taking records: every record without an ack was not delivered$/);
    // Only successes were emitted before the error, and exactly they are in the log.
    expect(acks.every((a) => a.error === undefined)).toBe(true);
    const read = await kcatConsume(cluster.bootstrap, topic);
    expectLogMatchesAcks(read, succeeded(acks), (i) => `v${i}`);
    expect(read.map((r) => r.value)).not.toContain(`v${bad}`);
  });
});
