import type * as net from 'node:net';
import { RequestWriter } from '../../src/network/RequestWriter';
import { encodeRequest } from '../../src/protocol/frame';
import { InitProducerId } from '../../src/protocol/InitProducerId';
import { Produce, type ProduceRequest } from '../../src/protocol/Produce';
import { RecordBatchBuilder, recordSizeUpperBound } from '../../src/protocol/RecordBatch';
import { GATHERED_WRITE_COST_BYTES, SHARE_MIN_BYTES, Writer } from '../../src/protocol/Writer';

/**
 * A socket that keeps what it is given, as Node's does while the kernel has not taken it: the
 * Buffer objects themselves (no copy), in write order, corked writes grouped into one gathered
 * write as uncork() hands them to the kernel.
 */
class FakeSocket {
  /** Every buffer written, in order, as the socket holds it (the same objects). */
  readonly chunks: Buffer[] = [];
  /** One entry per gathered write (an uncorked group, or an uncorked single write): its chunk count. */
  readonly gathered: number[] = [];
  /** Bytes held and not yet "sent": the RequestWriter reads it to know whether its memory is still in use. */
  writableLength = 0;
  /** What write() returns: false simulates a full socket (backpressure). */
  accepting = true;
  /** Keep the written bytes buffered (the kernel took none of them synchronously). */
  holdBytes = true;
  private corked = 0;
  private pending = 0;

  cork(): void {
    this.corked++;
  }

  uncork(): void {
    if (--this.corked === 0 && this.pending > 0) {
      this.gathered.push(this.pending);
      this.pending = 0;
    }
  }

  write(chunk: Buffer, cb?: () => void): boolean {
    this.chunks.push(chunk);
    if (this.holdBytes) this.writableLength += chunk.length;
    if (this.corked > 0) this.pending++;
    else this.gathered.push(1);
    cb?.();
    return this.accepting;
  }

  /** The byte stream the broker would read. */
  stream(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Correlation ids of the frames in a byte stream, checking each frame's size prefix. */
function correlationIds(stream: Buffer): number[] {
  const ids: number[] = [];
  let pos = 0;
  while (pos < stream.length) {
    const size = stream.readInt32BE(pos);
    ids.push(stream.readInt32BE(pos + 8)); // after api key and version
    pos += 4 + size;
  }
  expect(pos).toBe(stream.length);
  return ids;
}

/** A RecordBatch filled with 1000 B records until no more fits in `bufferBytes`. */
function fullBatch(bufferBytes: number, seed: number): Buffer {
  const builder = new RecordBatchBuilder(Buffer.alloc(bufferBytes), seed);
  const value = Buffer.alloc(1000, seed);
  while (builder.hasRoomFor(recordSizeUpperBound(-1, value.length, null))) builder.append(seed, null, value, null);
  return builder.bytes();
}

/** Byte equality, without toEqual's element-by-element walk over hundreds of KiB. */
function expectBytes(actual: Buffer, expected: Buffer): void {
  expect(actual.length).toBe(expected.length);
  expect(actual.equals(expected)).toBe(true);
}

/** A record batch stand-in of `bytes` bytes, its content different for every `seed`. */
function batch(bytes: number, seed: number): Buffer {
  const b = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) b[i] = (seed * 31 + i) & 0xff;
  return b;
}

function produce(batches: Buffer[]): ProduceRequest {
  return {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topics: [{ name: 'events', partitions: batches.map((records, index) => ({ index, records })) }],
  };
}

/** A batch large enough to be referenced on its own. */
const LARGE = SHARE_MIN_BYTES + GATHERED_WRITE_COST_BYTES;

const initProducerId = { transactionalId: null, transactionTimeoutMs: 1, producerId: -1n, producerEpoch: -1 };

function setup(): { socket: FakeSocket; out: RequestWriter } {
  const socket = new FakeSocket();
  return { socket, out: new RequestWriter(socket as unknown as net.Socket) };
}

describe('RequestWriter', () => {
  test("a Produce request's batches reach the socket uncopied (the same Buffers), in one gathered write", () => {
    const { socket, out } = setup();
    // Six full batches of Java's default 16 KiB batch size (a little under 16 KiB: the tail no record fitted).
    const batches = [1, 2, 3, 4, 5, 6].map((seed) => fullBatch(16 * 1024, seed));
    const request = produce(batches);
    out.write(out.encode(Produce, 9, 7, 'rxkafka', request), null);
    for (const b of batches) expect(socket.chunks.filter((c) => c === b)).toHaveLength(1);
    expect(socket.gathered).toEqual([socket.chunks.length]);
    expectBytes(socket.stream(), encodeRequest(new Writer(), Produce, 9, 7, 'rxkafka', request));
  });

  test.each([
    ['one batch of 16 KiB', [16 * 1024]],
    ['two of 16 KiB', [16 * 1024, 16 * 1024]],
    ['many small ones', Array.from({ length: 30 }, () => SHARE_MIN_BYTES - 1)],
  ])('a request whose batches save less than the gathered write costs is copied whole, one write: %s', (_, sizes) => {
    const { socket, out } = setup();
    const batches = sizes.map((bytes, seed) => batch(bytes, seed));
    out.write(out.encode(Produce, 9, 1, 'rxkafka', produce(batches)), null);
    expect(socket.chunks).toHaveLength(1);
    for (const b of batches) expect(socket.chunks).not.toContain(b);
    expectBytes(socket.stream(), encodeRequest(new Writer(), Produce, 9, 1, 'rxkafka', produce(batches)));
  });

  test('in a request worth a gathered write, batches under SHARE_MIN_BYTES are still copied', () => {
    const { socket, out } = setup();
    const large = batch(LARGE, 1);
    const small = batch(SHARE_MIN_BYTES - 1, 2);
    out.write(out.encode(Produce, 9, 1, 'rxkafka', produce([large, small])), null);
    expect(socket.chunks).toContain(large);
    expect(socket.chunks).not.toContain(small);
  });

  test('frames of several requests follow each other intact and in correlation order, while the socket still holds earlier ones', () => {
    const { socket, out } = setup();
    const first = produce([batch(LARGE, 1), batch(100, 2)]);
    const third = produce([batch(100, 3), batch(LARGE, 4)]);
    out.write(out.encode(Produce, 9, 1, 'rxkafka', first), null);
    out.write(out.encode(InitProducerId, 4, 2, 'rxkafka', initProducerId), null);
    out.write(out.encode(Produce, 3, 3, 'rxkafka', third), null);
    expect(correlationIds(socket.stream())).toEqual([1, 2, 3]);
    // Each frame as encoded alone: no encode overwrote memory the socket still held.
    expectBytes(socket.stream(), 
      Buffer.concat([
        encodeRequest(new Writer(), Produce, 9, 1, 'rxkafka', first),
        encodeRequest(new Writer(), InitProducerId, 4, 2, 'rxkafka', initProducerId),
        encodeRequest(new Writer(), Produce, 3, 3, 'rxkafka', third),
      ]),
    );
  });

  test('reuses its memory once the socket holds nothing', () => {
    const { socket, out } = setup();
    socket.holdBytes = false;
    out.write(out.encode(Produce, 9, 1, 'rxkafka', produce([batch(LARGE, 1)])), null);
    const memory = socket.chunks[0].buffer;
    out.write(out.encode(InitProducerId, 4, 2, 'rxkafka', initProducerId), null);
    expect(socket.chunks[socket.chunks.length - 1].buffer).toBe(memory);
  });

  test('frames queued for drain keep their batches uncopied and go out in order after the drain', () => {
    const { socket, out } = setup();
    socket.accepting = false;
    const requests = [1, 2, 3, 4].map((id) => produce([batch(LARGE, id), batch(50, id)]));
    for (let i = 0; i < requests.length; i++) out.write(out.encode(Produce, 9, i + 1, 'rxkafka', requests[i]), null);
    expect(out.isWaitingForDrain).toBe(true);
    expect(out.queuedCount).toBe(3);
    expect(correlationIds(socket.stream())).toEqual([1]);

    socket.accepting = true;
    out.drain();
    expect(out.queuedCount).toBe(0);
    expect(out.isWaitingForDrain).toBe(false);
    expect(correlationIds(socket.stream())).toEqual([1, 2, 3, 4]);
    for (const r of requests) expect(socket.chunks).toContain(r.topics[0].partitions[0].records);
    expectBytes(socket.stream(), Buffer.concat(requests.map((r, i) => encodeRequest(new Writer(), Produce, 9, i + 1, 'rxkafka', r))));
  });

  test('an acks=0 frame runs its flush callback once, after its last chunk', () => {
    const { socket, out } = setup();
    const flushed: number[] = [];
    out.write(out.encode(Produce, 9, 1, 'rxkafka', produce([batch(LARGE, 1)])), () => flushed.push(socket.chunks.length));
    expect(flushed).toEqual([socket.chunks.length]);
  });
});
