// MESSAGE_TOO_LARGE on the real mock cluster (RXKAFKA_MOCK_VERSION): the mock refuses the next
// Produce requests with the pushed error, as a broker refuses a batch above the topic's
// max.message.bytes. A refused batch of several records is split and its parts are sent in its
// place (uncompressed and gzip), so every record is acked once, in order, at the offset where kcat
// reads it; a record refused alone fails alone with MessageTooLargeError while its neighbours are
// delivered. (The real broker's own limit is proven in test/real-kafka/messageTooLarge.test.ts.)
import { from, lastValueFrom, toArray } from 'rxjs';
import { createProducer, MessageTooLargeError, RecordTooLargeError } from '../../operators';
import type { CompressionType } from '../../src/compression';
import type { Ack } from '../../src/types';
import { kcatConsume } from '../support/kcat';
import { ApiKey, ErrorCode, MockCluster } from '../support/MockCluster';

let cluster: MockCluster;
beforeAll(async () => void (cluster = await MockCluster.start({ brokers: 1 })));
afterAll(() => cluster?.stop());

let topicSeq = 0;
async function newTopic(): Promise<string> {
  const name = `too-large-${process.pid}-${++topicSeq}`;
  await cluster.createTopic(name, 1, 1);
  return name;
}

/**
 * Produces records v0..v(n-1) (keyed k<i % 7>) to partition 0 in one batch (a long linger, one
 * synchronous burst), one request in flight, and reads the topic back.
 */
async function produce(topic: string, n: number, compressionType: CompressionType = 'none') {
  const producer = createProducer({ brokers: cluster.bootstrap, topic, lingerMs: 1000, maxInFlight: 1, compressionType, stopOnError: false });
  const records = Array.from({ length: n }, (_, i) => ({ key: `k${i % 7}`, value: `v${i}`.padEnd(60, '.'), partition: 0, meta: i }));
  const acks: Ack<number>[] = await lastValueFrom(producer.produce<string, string, number>(from(records)).pipe(toArray()));
  const splits = producer.sender.metrics.batchSplitTotal;
  // Every pooled buffer came back once, parts split again included (theirs are not the pool's).
  expect(producer.metrics().bufferAvailableBytes).toBe(producer.config.bufferMemory);
  await producer.close();
  const read = await kcatConsume(cluster.bootstrap, topic);
  return { acks, splits, read };
}

describe.each<CompressionType>(['none', 'gzip'])('a batch refused with MESSAGE_TOO_LARGE (compression %s)', (codec) => {
  it('is split and sent again: every record acked once, in order, at the offset kcat reads it at', async () => {
    const topic = await newTopic();
    await cluster.pushErrors(ApiKey.Produce, [ErrorCode.MESSAGE_TOO_LARGE]);
    const { acks, splits, read } = await produce(topic, 200, codec);
    expect(splits).toBe(1);
    expect(acks.filter((a) => a.error !== undefined)).toEqual([]);
    expect(acks.map((a) => a.meta)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(acks.map((a) => a.offset)).toEqual(Array.from({ length: 200 }, (_, i) => BigInt(i)));
    expect(read.map((r) => [r.offset, r.key, r.value])).toEqual(acks.map((a, i) => [a.offset, `k${i % 7}`, `v${i}`.padEnd(60, '.')]));
  });
});

it('a record refused alone fails alone with MessageTooLargeError; its neighbours are delivered in order', async () => {
  const topic = await newTopic();
  // [v0..v3] refused → [v0 v1] [v2 v3]; [v0 v1] refused → [v0] [v1]; [v0] refused: it fails.
  await cluster.pushErrors(ApiKey.Produce, [ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.MESSAGE_TOO_LARGE]);
  const { acks, splits, read } = await produce(topic, 4);
  expect(splits).toBe(2);
  expect(acks.map((a) => a.meta)).toEqual([0, 1, 2, 3]);
  const error = acks[0].error as MessageTooLargeError;
  expect(error).toBeInstanceOf(MessageTooLargeError);
  expect(error).toBeInstanceOf(RecordTooLargeError);
  expect([error.code, error.topic, error.partition, acks[0].partition]).toEqual([10, topic, 0, 0]);
  expect(error.message).toMatch(/max\.message\.bytes/);
  expect(acks.slice(1).map((a) => [a.error, a.offset])).toEqual([
    [undefined, 0n],
    [undefined, 1n],
    [undefined, 2n],
  ]);
  expect(read.map((r) => r.value!.slice(0, 2))).toEqual(['v1', 'v2', 'v3']);
});
