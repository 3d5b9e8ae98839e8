// The strict test broker (librdkafka 2.12's mock with test/broker/strict-producer-state.patch)
// checks an idempotent producer's batches as a Kafka broker does. These tests drive it with
// test/support/rawProduce.ts — a Produce client that shares no code with rxkafka — and read the
// log back with kcat, so that what the fault suite relies on is itself proven:
//  - a retried batch (same producer id, epoch and sequences as one of the last five) is acked with
//    the offset it was first written at, and not written twice;
//  - a batch whose sequence does not follow the last one is refused with
//    OUT_OF_ORDER_SEQUENCE_NUMBER and not written;
//  - an older epoch is refused with INVALID_PRODUCER_EPOCH, a newer one must start at sequence 0;
//  - a batch whose CRC is wrong is refused (CORRUPT_MESSAGE).
import { kcatConsume } from '../support/kcat';
import { ErrorCode, MockCluster } from '../support/MockCluster';
import { rawProduce, RawProduceOptions } from '../support/rawProduce';

const CORRUPT_MESSAGE = 2;

let cluster: MockCluster;

beforeAll(async () => {
  cluster = await MockCluster.start({ brokers: 1, version: '2.12' });
});

afterAll(async () => {
  await cluster?.stop();
});

let topicSeq = 0;
async function newTopic(): Promise<string> {
  const name = `strict-${++topicSeq}`;
  await cluster.createTopic(name, 1, 1);
  return name;
}

/** Writes `count` records v<from>..v<from+count-1> as one batch; returns the error code and offset. */
function send(topic: string, from: number, count: number, opts: RawProduceOptions): Promise<{ errorCode: number; baseOffset: bigint }> {
  const records = Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`v${from + i}`) }));
  return rawProduce(cluster.brokers[0], topic, 0, records, opts);
}

async function logValues(topic: string): Promise<string[]> {
  return (await kcatConsume(cluster.bootstrap, topic)).map((r) => r.value!);
}

const pid = 4242n;

describe('the strict test broker', () => {
  it('acks a retried batch with its first offset and does not write it again', async () => {
    const topic = await newTopic();
    expect(await send(topic, 0, 3, { producerId: pid, producerEpoch: 0, baseSequence: 0 })).toEqual({ errorCode: 0, baseOffset: 0n });
    expect(await send(topic, 3, 2, { producerId: pid, producerEpoch: 0, baseSequence: 3 })).toEqual({ errorCode: 0, baseOffset: 3n });
    // Both batches again, as a producer that lost the responses would resend them.
    expect(await send(topic, 0, 3, { producerId: pid, producerEpoch: 0, baseSequence: 0 })).toEqual({ errorCode: 0, baseOffset: 0n });
    expect(await send(topic, 3, 2, { producerId: pid, producerEpoch: 0, baseSequence: 3 })).toEqual({ errorCode: 0, baseOffset: 3n });
    expect(await send(topic, 5, 1, { producerId: pid, producerEpoch: 0, baseSequence: 5 })).toEqual({ errorCode: 0, baseOffset: 5n });
    expect(await logValues(topic)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
  });

  it('refuses a batch that skips ahead or starts inside the last one, and writes nothing of it', async () => {
    const topic = await newTopic();
    expect((await send(topic, 0, 2, { producerId: pid, producerEpoch: 0, baseSequence: 0 })).errorCode).toBe(0);
    // Sequence 2 is next: 4 skips a batch that has not arrived (a reordering).
    expect((await send(topic, 4, 2, { producerId: pid, producerEpoch: 0, baseSequence: 4 })).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    // Overlapping the last batch without matching it is no duplicate either.
    expect((await send(topic, 1, 2, { producerId: pid, producerEpoch: 0, baseSequence: 1 })).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    // A producer new to the partition must start at 0.
    expect((await send(topic, 9, 1, { producerId: pid + 1n, producerEpoch: 0, baseSequence: 7 })).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    // The missing batch, then the one that was refused: both land, in order.
    expect(await send(topic, 2, 2, { producerId: pid, producerEpoch: 0, baseSequence: 2 })).toEqual({ errorCode: 0, baseOffset: 2n });
    expect(await send(topic, 4, 2, { producerId: pid, producerEpoch: 0, baseSequence: 4 })).toEqual({ errorCode: 0, baseOffset: 4n });
    expect(await logValues(topic)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
  });

  it('fences an older epoch once a newer one wrote, and a newer epoch starts at sequence 0', async () => {
    const topic = await newTopic();
    expect((await send(topic, 0, 1, { producerId: pid, producerEpoch: 0, baseSequence: 0 })).errorCode).toBe(0);
    expect((await send(topic, 1, 1, { producerId: pid, producerEpoch: 1, baseSequence: 1 })).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await send(topic, 1, 1, { producerId: pid, producerEpoch: 1, baseSequence: 0 })).errorCode).toBe(0);
    expect((await send(topic, 2, 1, { producerId: pid, producerEpoch: 0, baseSequence: 1 })).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    // The old epoch's batch is no duplicate under the new epoch: still fenced.
    expect((await send(topic, 0, 1, { producerId: pid, producerEpoch: 0, baseSequence: 0 })).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await logValues(topic)).toEqual(['v0', 'v1']);
  });

  it('refuses a batch whose CRC is wrong, and writes nothing of it', async () => {
    const topic = await newTopic();
    expect((await send(topic, 0, 1, {})).errorCode).toBe(0);
    expect((await send(topic, 1, 1, { corruptCrc: true })).errorCode).toBe(CORRUPT_MESSAGE);
    expect((await send(topic, 2, 1, { producerId: pid, producerEpoch: 0, baseSequence: 0, corruptCrc: true })).errorCode).toBe(CORRUPT_MESSAGE);
    expect((await send(topic, 3, 1, {})).errorCode).toBe(0);
    expect(await logValues(topic)).toEqual(['v0', 'v3']);
  });

  it('leaves batches without a producer id unchecked, as Kafka does', async () => {
    const topic = await newTopic();
    expect((await send(topic, 0, 1, {})).errorCode).toBe(0);
    expect((await send(topic, 0, 1, {})).errorCode).toBe(0);
    expect(await logValues(topic)).toEqual(['v0', 'v0']);
  });
});
