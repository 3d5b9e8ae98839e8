import { ProtocolDecodeError } from '../../src/errors';
import { crc32c } from '../../src/protocol/crc32c';
import { decodeRecordBatches } from '../../src/protocol/RecordBatchDecoder';
import {
  RECORD_BATCH_OVERHEAD,
  RecordBatchBuilder,
  recordSizeUpperBound,
  type RecordHeader,
} from '../../src/protocol/RecordBatch';
import { hex, utf8 } from './hex';

/** The CRC field, and the CRC-32C computed independently over attributes..end (bytes 21..). */
function crcs(batch: Buffer): { stored: number; computed: number } {
  return { stored: batch.readUInt32BE(17), computed: crc32c(batch.subarray(21)) };
}

describe('RecordBatchBuilder', () => {
  it('encodes one record byte for byte (golden bytes)', () => {
    const b = new RecordBatchBuilder(Buffer.alloc(256), 0);
    b.append(1000, hex('6b'), hex('7676'), [{ key: 'h', value: hex('01') }]);
    const batch = b.bytes();
    const record = hex(
      '1a', // length: varint 13
      '00', // attributes
      '00', // timestamp_delta 0 (the first record sets the base timestamp)
      '00', // offset_delta 0
      '02', '6b', // key: length 1, "k"
      '04', '7676', // value: length 2
      '02', // headers: 1
      '02', utf8('h'), '02', '01', // header "h" = 01
    );
    const expected = Buffer.concat([
      hex(
        '0000000000000000', // base_offset 0
        (RECORD_BATCH_OVERHEAD - 12 + record.length).toString(16).padStart(8, '0'), // batch_length
        'ffffffff', // partition_leader_epoch -1
        '02', // magic 2
        crc32c(Buffer.concat([hex('0000', '00000000', '00000000000003e8', '00000000000003e8', 'ffffffffffffffff', 'ffff', 'ffffffff', '00000001'), record]))
          .toString(16)
          .padStart(8, '0'), // crc over attributes..end
        '0000', // attributes: no compression, CreateTime, not transactional
        '00000000', // last_offset_delta 0
        '00000000000003e8', // base_timestamp 1000
        '00000000000003e8', // max_timestamp 1000
        'ffffffffffffffff', // producer_id -1
        'ffff', // producer_epoch -1
        'ffffffff', // base_sequence -1
        '00000001', // records_count 1
      ),
      record,
    ]);
    expect(batch).toEqual(expected);
  });

  it('round-trips records with headers, null key, null value and a negative timestamp delta', () => {
    const buffer = Buffer.alloc(1024);
    const b = new RecordBatchBuilder(buffer, 5_000);
    const headers: RecordHeader[] = [
      { key: 'trace-id', value: Buffer.from('abc') },
      { key: 'ünïcode', value: null },
      { key: '', value: Buffer.alloc(0) },
    ];
    b.append(1_700_000_000_000, Buffer.from('key-1'), Buffer.from('value-1'), headers);
    b.append(1_699_999_999_000, null, Buffer.from('no key'), null);
    b.append(1_700_000_005_000, Buffer.from('tombstone'), null, undefined);
    b.append(1_700_000_001_000, Buffer.alloc(0), Buffer.alloc(0), []);
    expect(b.recordCount).toBe(4);
    expect(b.maxTimestampMs).toBe(1_700_000_005_000);
    b.close();
    const bytes = b.bytes();
    expect(bytes.length).toBe(b.sizeInBytes);
    expect(bytes.buffer).toBe(buffer.buffer); // a view, not a copy

    const { stored, computed } = crcs(bytes);
    expect(stored).toBe(computed);

    const [batch, ...rest] = decodeRecordBatches(bytes);
    expect(rest).toHaveLength(0);
    expect(batch).toMatchObject({
      baseOffset: 0n,
      batchLength: bytes.length - 12,
      partitionLeaderEpoch: -1,
      magic: 2,
      crcValid: true,
      compression: 0,
      timestampType: 0,
      isTransactional: false,
      isControl: false,
      lastOffsetDelta: 3,
      baseTimestampMs: 1_700_000_000_000,
      maxTimestampMs: 1_700_000_005_000,
      producerId: -1n,
      producerEpoch: -1,
      baseSequence: -1,
      recordsCount: 4,
    });
    expect(batch.records).toEqual([
      { attributes: 0, offsetDelta: 0, timestampMs: 1_700_000_000_000, key: Buffer.from('key-1'), value: Buffer.from('value-1'), headers },
      { attributes: 0, offsetDelta: 1, timestampMs: 1_699_999_999_000, key: null, value: Buffer.from('no key'), headers: [] },
      { attributes: 0, offsetDelta: 2, timestampMs: 1_700_000_005_000, key: Buffer.from('tombstone'), value: null, headers: [] },
      { attributes: 0, offsetDelta: 3, timestampMs: 1_700_000_001_000, key: Buffer.alloc(0), value: Buffer.alloc(0), headers: [] },
    ]);
    // The negative delta is on the wire as zigzag varlong -1000 (cf 0f), right after the attributes byte.
    const secondRecord = RECORD_BATCH_OVERHEAD + 1 + bytes[RECORD_BATCH_OVERHEAD] / 2;
    expect(bytes.subarray(secondRecord + 2, secondRecord + 4)).toEqual(hex('cf0f'));
  });

  it('stamps producer state, twice, recomputing the CRC each time', () => {
    const b = new RecordBatchBuilder(Buffer.alloc(512), 0);
    b.append(10, Buffer.from('k'), Buffer.from('v'), null);
    b.append(11, Buffer.from('k'), Buffer.from('v'), null);
    b.close();
    const unstamped = crcs(b.bytes()).stored;

    b.setProducerState(1234n, 5, 100, false);
    let bytes = b.bytes();
    const first = crcs(bytes);
    expect(first.stored).toBe(first.computed);
    expect(first.stored).not.toBe(unstamped);
    expect(decodeRecordBatches(bytes)[0]).toMatchObject({ producerId: 1234n, producerEpoch: 5, baseSequence: 100, isTransactional: false, crcValid: true });

    // A retry after an epoch bump: new epoch and sequence, transactional this time.
    b.setProducerState(1234n, 6, 0, true);
    bytes = b.bytes();
    const second = crcs(bytes);
    expect(second.stored).toBe(second.computed);
    expect(second.stored).not.toBe(first.stored);
    expect(bytes.readInt16BE(21)).toBe(0x10);
    expect(decodeRecordBatches(bytes)[0]).toMatchObject({ producerId: 1234n, producerEpoch: 6, baseSequence: 0, isTransactional: true, crcValid: true });
    expect(decodeRecordBatches(bytes)[0].records.map((r) => r.timestampMs)).toEqual([10, 11]);
  });

  it('computes the CRC once per send: a retry (the same stamp, or none) leaves it, a restamp writes it', () => {
    const b = new RecordBatchBuilder(Buffer.alloc(512), 0);
    b.append(10, Buffer.from('k'), Buffer.from('v'), null);
    b.close();
    b.setProducerState(77n, 3, 40, false);
    const bytes = b.bytes();
    expect(crcs(bytes).stored).toBe(crcs(bytes).computed);
    // A marker in the CRC field survives as long as no bytes() recomputes the CRC.
    const marker = (crcs(bytes).stored ^ 0xffffffff) >>> 0;
    bytes.writeUInt32BE(marker, 17);
    expect(crcs(b.bytes()).stored).toBe(marker); // a retry: no stamp
    b.setProducerState(77n, 3, 40, false); // a retry stamped again with the same state
    expect(crcs(b.bytes()).stored).toBe(marker);
    b.setProducerState(77n, 4, 0, false); // an epoch bump
    const restamped = crcs(b.bytes());
    expect(restamped.stored).toBe(restamped.computed);
    expect(restamped.stored).not.toBe(marker);
  });

  it('computes the CRC of an unstamped batch once, at its first bytes()', () => {
    const b = new RecordBatchBuilder(Buffer.alloc(512), 0);
    b.append(10, null, Buffer.from('v'), null);
    b.setProducerState(-1n, -1, -1, false); // what a non-idempotent producer would stamp: the state it has
    const bytes = b.bytes();
    expect(crcs(bytes).stored).toBe(crcs(bytes).computed);
    bytes.writeUInt32BE(1, 17);
    b.setProducerState(-1n, -1, -1, false);
    expect(crcs(b.bytes()).stored).toBe(1);
  });

  it('keeps producer state stamped before close', () => {
    const b = new RecordBatchBuilder(Buffer.alloc(128), 0);
    b.setProducerState(9n, 1, 7, true);
    b.append(1, null, Buffer.from('v'), null);
    const [batch] = decodeRecordBatches(b.bytes());
    expect(batch).toMatchObject({ producerId: 9n, producerEpoch: 1, baseSequence: 7, isTransactional: true, crcValid: true });
  });

  it('bounds each record by recordSizeUpperBound and reports room', () => {
    const buffer = Buffer.alloc(RECORD_BATCH_OVERHEAD + 100);
    const b = new RecordBatchBuilder(buffer, 0);
    const headers = [{ key: 'é', value: Buffer.alloc(3) }];
    const bound = recordSizeUpperBound(4, 10, headers);
    expect(b.hasRoomFor(bound)).toBe(true);
    const before = b.sizeInBytes;
    b.append(2 ** 40, Buffer.alloc(4), Buffer.alloc(10), headers);
    expect(b.sizeInBytes - before).toBeLessThanOrEqual(bound);
    // a null key or value costs the same single length byte as an empty one
    expect(recordSizeUpperBound(-1, -1, null)).toBe(recordSizeUpperBound(0, 0, null));
    while (b.hasRoomFor(bound)) b.append(2 ** 40 + b.recordCount, Buffer.alloc(4), Buffer.alloc(10), headers);
    expect(b.sizeInBytes).toBeLessThanOrEqual(buffer.length);
    expect(() => b.append(0, Buffer.alloc(100), null, null)).toThrow(RangeError);
    b.close();
    expect(b.hasRoomFor(1)).toBe(false);
    expect(decodeRecordBatches(b.bytes())[0].crcValid).toBe(true);
  });

  it('refuses appends after close', () => {
    const b = new RecordBatchBuilder(Buffer.alloc(128), 0);
    b.close();
    expect(() => b.append(0, null, null, null)).toThrow();
  });
});

describe('decodeRecordBatches', () => {
  function sample(): Buffer {
    const b = new RecordBatchBuilder(Buffer.alloc(256), 0);
    b.append(5, Buffer.from('k'), Buffer.from('value'), [{ key: 'h', value: null }]);
    b.append(6, null, null, null);
    return Buffer.from(b.bytes());
  }

  it('decodes concatenated batches', () => {
    expect(decodeRecordBatches(Buffer.concat([sample(), sample()]))).toHaveLength(2);
    expect(decodeRecordBatches(Buffer.alloc(0))).toEqual([]);
  });

  it('reports a corrupted batch as crcValid: false', () => {
    const bytes = sample();
    bytes[bytes.indexOf('value')] ^= 0x20; // 'v' -> 'V': still decodable, no longer what was checksummed
    expect(decodeRecordBatches(bytes)[0].crcValid).toBe(false);
  });

  it('throws ProtocolDecodeError for every truncation', () => {
    const bytes = sample();
    for (let n = 1; n < bytes.length; n++) {
      expect(() => decodeRecordBatches(bytes.subarray(0, n))).toThrow(ProtocolDecodeError);
    }
  });

  it('refuses other magics and compressed batches', () => {
    const magic1 = sample();
    magic1[16] = 1;
    expect(() => decodeRecordBatches(magic1)).toThrow(ProtocolDecodeError);
    const gzip = sample();
    gzip[22] = 1;
    expect(() => decodeRecordBatches(gzip)).toThrow(ProtocolDecodeError);
  });
  it('moveTo: a batch that moves to larger buffers as it grows is byte for byte the batch built in one big buffer', () => {
    const oneBuffer = new RecordBatchBuilder(Buffer.alloc(4096), 1000);
    let buffer = Buffer.alloc(RECORD_BATCH_OVERHEAD + 20);
    const growing = new RecordBatchBuilder(buffer, 1000);
    const left: Buffer[] = [];
    for (let i = 0; i < 40; i++) {
      const key = Buffer.from(`k${i}`);
      const value = Buffer.alloc(i * 3, i);
      const headers = i % 7 === 0 ? [{ key: 'h', value: Buffer.from([i]) }] : null;
      const bound = recordSizeUpperBound(key.length, value.length, headers);
      while (!growing.hasRoomFor(bound)) {
        buffer = Buffer.alloc(buffer.length * 2);
        left.push(growing.moveTo(buffer));
      }
      expect(growing.capacity).toBe(buffer.length);
      growing.append(1000 + i, key, value, headers);
      oneBuffer.append(1000 + i, key, value, headers);
    }
    growing.setProducerState(7n, 1, 42, false);
    oneBuffer.setProducerState(7n, 1, 42, false);
    expect(left.length).toBeGreaterThan(3); // it did move, several times
    const bytes = growing.bytes();
    expect(bytes).toEqual(oneBuffer.bytes());
    expect(bytes.buffer).toBe(buffer.buffer); // in the last buffer, not a copy
    const [decoded] = decodeRecordBatches(bytes);
    expect(decoded.crcValid).toBe(true);
    expect(decoded.records).toHaveLength(40);
    expect(decoded.records[39].value).toEqual(Buffer.alloc(39 * 3, 39));
    expect(() => growing.moveTo(Buffer.alloc(8192))).toThrow(/after close/);
  });

  it('moveTo refuses a buffer smaller than what is written', () => {
    const b = new RecordBatchBuilder(Buffer.alloc(256), 0);
    b.append(0, null, Buffer.alloc(100), null);
    expect(() => b.moveTo(Buffer.alloc(100))).toThrow(RangeError);
  });
});
