/**
 * A deliberately tiny, independent Produce v3 client for harness tests only: one RecordBatch v2
 * (magic 2, no compression) to one partition on one broker, acks=1 by default; optionally with
 * an idempotent producer's id, epoch and base sequence, to probe the strict broker.
 *
 * It exists so that the harness can write bytes that rxkafka's own encoder would never write
 * (e.g. a wrong CRC) and prove that the independent readers notice. It shares no code with
 * src/protocol on purpose: a bug there must not be able to hide itself here.
 *
 * Grammar (Kafka protocol, Produce v3 / RecordBatch v2):
 *   RequestHeader v1 => api_key:int16 api_version:int16 correlation_id:int32 client_id:string
 *   ProduceRequest v3 => transactional_id:nullable_string acks:int16 timeout_ms:int32
 *                        [topic:string [partition:int32 records:bytes]]
 *   ProduceResponse v3 => [topic:string [partition:int32 error_code:int16 base_offset:int64
 *                         log_append_time_ms:int64]] throttle_time_ms:int32
 *   RecordBatch => base_offset:int64 batch_length:int32 partition_leader_epoch:int32 magic:int8
 *                  crc:uint32 attributes:int16 last_offset_delta:int32 base_timestamp:int64
 *                  max_timestamp:int64 producer_id:int64 producer_epoch:int16
 *                  base_sequence:int32 [record]   (crc = CRC-32C of attributes..end)
 *   Record => length:varint attributes:int8 timestamp_delta:varlong offset_delta:varint
 *             key:varint-bytes value:varint-bytes [header_key:varint-string header_value:varint-bytes]
 */
import * as net from 'net';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const crc32c: { buf(data: Uint8Array, seed?: number): number } = require('crc-32/crc32c');

export interface RawRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Array<[string, Buffer | null]>;
}

export interface RawProduceOptions {
  /** Flip one bit of the batch CRC after computing it. */
  corruptCrc?: boolean;
  /** Default 1. With 0 a real broker sends no response (this then times out); the mock does. */
  acks?: 0 | 1;
  /** Base timestamp in ms; every record gets timestamp_delta 0. */
  timestampMs?: number;
  requestTimeoutMs?: number;
  /** Idempotent producer state stamped on the batch (default none: -1, -1, -1). */
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  /** Set the batch's transactional attribute bit (0x10). */
  transactional?: boolean;
}

export interface RawProduceResult {
  errorCode: number;
  baseOffset: bigint;
}

function zigzag(n: bigint): bigint {
  return n >= 0n ? n << 1n : (-n << 1n) - 1n;
}

function varint(n: number | bigint): Buffer {
  let v = zigzag(BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

function varBytes(b: Buffer | null): Buffer {
  return b === null ? varint(-1) : Buffer.concat([varint(b.length), b]);
}

function encodeRecord(r: RawRecord, offsetDelta: number): Buffer {
  const headers = r.headers ?? [];
  const body = Buffer.concat([
    Buffer.from([0]), // attributes
    varint(0), // timestamp delta
    varint(offsetDelta),
    varBytes(r.key),
    varBytes(r.value),
    varint(headers.length),
    ...headers.flatMap(([k, v]) => [varBytes(Buffer.from(k, 'utf8')), varBytes(v)]),
  ]);
  return Buffer.concat([varint(body.length), body]);
}

/** Encodes one RecordBatch v2; exported so tests can inspect or tamper with it. */
export function encodeRecordBatch(records: RawRecord[], opts: RawProduceOptions = {}): Buffer {
  const ts = BigInt(opts.timestampMs ?? Date.now());
  const recordBytes = Buffer.concat(records.map((r, i) => encodeRecord(r, i)));
  // Everything the CRC covers: attributes .. records.
  const tail = Buffer.alloc(2 + 4 + 8 + 8 + 8 + 2 + 4 + 4);
  let o = 0;
  o = tail.writeInt16BE(opts.transactional ? 0x10 : 0, o); // attributes: no compression, create time
  o = tail.writeInt32BE(records.length - 1, o); // last offset delta
  o = tail.writeBigInt64BE(ts, o); // base timestamp
  o = tail.writeBigInt64BE(ts, o); // max timestamp
  o = tail.writeBigInt64BE(opts.producerId ?? -1n, o); // producer id
  o = tail.writeInt16BE(opts.producerEpoch ?? -1, o); // producer epoch
  o = tail.writeInt32BE(opts.baseSequence ?? -1, o); // base sequence
  tail.writeInt32BE(records.length, o);
  const covered = Buffer.concat([tail, recordBytes]);
  let crc = crc32c.buf(covered) >>> 0;
  if (opts.corruptCrc) crc = (crc ^ 1) >>> 0;
  const head = Buffer.alloc(8 + 4 + 4 + 1 + 4);
  head.writeBigInt64BE(0n, 0); // base offset (broker assigns)
  head.writeInt32BE(4 + 1 + 4 + covered.length, 8); // batch length: from leader epoch on
  head.writeInt32BE(-1, 12); // partition leader epoch
  head.writeInt8(2, 16); // magic
  head.writeUInt32BE(crc, 17);
  return Buffer.concat([head, covered]);
}

function str16(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeInt16BE(b.length);
  return Buffer.concat([len, b]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/**
 * Sends one Produce v3 request (acks=1) with one batch to `broker` ("host:port"), which must lead
 * `topic`/`partition`, and returns the partition's error code and base offset. Rejects if the
 * connection closes or nothing comes back within requestTimeoutMs.
 */
export function rawProduce(
  broker: string,
  topic: string,
  partition: number,
  records: RawRecord[],
  opts: RawProduceOptions = {},
): Promise<RawProduceResult> {
  const batch = encodeRecordBatch(records, opts);
  const correlationId = 7;
  const header = Buffer.concat([
    Buffer.from([0, 0, 0, 3]), // api key 0 (Produce), version 3
    int32(correlationId),
    str16('rxkafka-raw-produce'),
  ]);
  const body = Buffer.concat([
    Buffer.from([0xff, 0xff]), // transactional id: null
    Buffer.from([0, opts.acks ?? 1]), // acks
    int32(opts.requestTimeoutMs ?? 10000),
    int32(1),
    str16(topic),
    int32(1),
    int32(partition),
    int32(batch.length),
    batch,
  ]);
  const frame = Buffer.concat([int32(header.length + body.length), header, body]);

  const [host, port] = splitHostPort(broker);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => fail(new Error(`rawProduce: no response from ${broker}`)), opts.requestTimeoutMs ?? 10000);
    let received = Buffer.alloc(0);
    function fail(err: Error): void {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    }
    socket.on('error', fail);
    socket.on('close', () => fail(new Error(`rawProduce: ${broker} closed the connection`)));
    socket.on('connect', () => socket.write(frame));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      clearTimeout(timer);
      socket.destroy();
      try {
        resolve(parseResponse(received.subarray(4, 4 + received.readInt32BE(0)), correlationId));
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}

function parseResponse(b: Buffer, correlationId: number): RawProduceResult {
  let o = 0;
  if (b.readInt32BE(o) !== correlationId) throw new Error('rawProduce: correlation id mismatch');
  o += 4;
  const topics = b.readInt32BE(o);
  o += 4;
  if (topics !== 1) throw new Error(`rawProduce: expected 1 topic in response, got ${topics}`);
  o += 2 + b.readInt16BE(o); // topic name
  const partitions = b.readInt32BE(o);
  o += 4;
  if (partitions !== 1) throw new Error(`rawProduce: expected 1 partition in response, got ${partitions}`);
  o += 4; // partition
  const errorCode = b.readInt16BE(o);
  const baseOffset = b.readBigInt64BE(o + 2);
  return { errorCode, baseOffset };
}

function splitHostPort(hostPort: string): [string, number] {
  const i = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, i), Number(hostPort.slice(i + 1))];
}
