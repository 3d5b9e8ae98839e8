import { encodeRequest } from '../../src/protocol/frame';
import { Produce, type ProduceRequest, type ProduceResponse } from '../../src/protocol/Produce';
import { Reader } from '../../src/protocol/Reader';
import { Writer } from '../../src/protocol/Writer';
import { hex, utf8 } from './hex';
import { encodeProduceResponse } from './responseEncoders';

const request: ProduceRequest = {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30000,
  topics: [{ name: 't', partitions: [{ index: 0, records: hex('aabbcc') }] }],
};

function body(version: number, req: ProduceRequest): Buffer {
  const w = new Writer();
  Produce.encodeRequest(w, version, req);
  return w.toBuffer();
}

function decode(bytes: Buffer, version: number): ProduceResponse {
  const r = new Reader(bytes);
  const res = Produce.decodeResponse(r, version);
  expect(r.remaining).toBe(0);
  return res;
}

describe('Produce request', () => {
  it('implements v3 to v11', () => {
    expect([Produce.minVersion, Produce.maxVersion, Produce.flexibleFrom]).toEqual([3, 11, 9]);
  });

  it('v3 (golden bytes)', () => {
    expect(body(3, request)).toEqual(
      hex(
        'ffff', // transactional_id: null
        'ffff', // acks -1
        '00007530', // timeout_ms 30000
        '00000001', // topic_data: 1
        '0001', utf8('t'), // name
        '00000001', // partition_data: 1
        '00000000', // index 0
        '00000003 aabbcc', // records: BYTES
      ),
    );
  });

  it('v3 with a transactional id and two partitions', () => {
    const req: ProduceRequest = {
      transactionalId: 'tx',
      acks: 1,
      timeoutMs: 5,
      topics: [{ name: 't', partitions: [{ index: 1, records: hex('01') }, { index: 2, records: hex('0203') }] }],
    };
    expect(body(3, req)).toEqual(
      hex('0002', utf8('tx'), '0001', '00000005', '00000001', '0001', utf8('t'), '00000002', '00000001 00000001 01', '00000002 00000002 0203'),
    );
  });

  it('v8 is laid out like v3', () => {
    expect(body(8, request)).toEqual(body(3, request));
  });

  it('v11 (golden bytes): compact types and tag buffers', () => {
    expect(body(11, request)).toEqual(
      hex(
        '00', // transactional_id: COMPACT_NULLABLE_STRING null
        'ffff', // acks -1
        '00007530', // timeout_ms 30000
        '02', // topic_data: COMPACT_ARRAY of 1
        '02', utf8('t'), // name: COMPACT_STRING
        '02', // partition_data: COMPACT_ARRAY of 1
        '00000000', // index 0
        '04 aabbcc', // records: COMPACT_BYTES, length 3 + 1
        '00', // partition TAG_BUFFER
        '00', // topic TAG_BUFFER
        '00', // TAG_BUFFER
      ),
    );
  });

  it('v9 and v10 are laid out like v11', () => {
    expect(body(9, request)).toEqual(body(11, request));
    expect(body(10, request)).toEqual(body(11, request));
  });

  it('frames v11 with request header v2 and expects response header v1', () => {
    const frame = encodeRequest(new Writer(), Produce, 11, 3, 'rx', request);
    expect(frame.subarray(0, 17)).toEqual(hex('00000023', '0000', '000b', '00000003', '0002', utf8('rx'), '00'));
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    expect(Produce.responseHeaderVersion(8)).toBe(0);
    expect(Produce.responseHeaderVersion(9)).toBe(1);
  });
});

describe('Produce response', () => {
  it('decodes v3 (golden bytes)', () => {
    const bytes = hex(
      '00000001', // responses: 1
      '0001', utf8('t'), // name
      '00000001', // partition_responses: 1
      '00000000', // index 0
      '0000', // error_code 0
      '000000000000002a', // base_offset 42
      'ffffffffffffffff', // log_append_time_ms -1
      '00000000', // throttle_time_ms
    );
    expect(decode(bytes, 3)).toEqual({
      throttleTimeMs: 0,
      topics: [
        {
          name: 't',
          partitions: [
            { index: 0, errorCode: 0, baseOffset: 42n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage: null },
          ],
        },
      ],
    });
  });

  it('decodes v11 (golden bytes) with the KIP-951 leader hints', () => {
    const bytes = hex(
      '02', // responses: 1
      '02', utf8('t'), // name
      '02', // partition_responses: 1
      '00000001', // index 1
      '0006', // error_code 6 NOT_LEADER_OR_FOLLOWER
      'ffffffffffffffff', // base_offset -1
      'ffffffffffffffff', // log_append_time_ms -1
      'ffffffffffffffff', // log_start_offset -1
      '02', '00000000', '04', utf8('bad'), '00', // record_errors: [{0, "bad"}]
      '05', utf8('oops'), // error_message
      '02', // partition tags: 2 fields
      '00 09 00000003 00000005 00', // tag 0 CurrentLeader: leader 3, epoch 5, tags
      '07 01 ff', // tag 7: unknown, skipped
      '00', // topic tags
      '00000064', // throttle_time_ms 100
      '01', // tags: 1 field
      '00 0e', // tag 0 NodeEndpoints, 14 bytes
      '02', '00000003', '03', utf8('b3'), '00002384', '00', '00', // [{3, "b3", 9092, null}]
    );
    expect(decode(bytes, 11)).toEqual({
      throttleTimeMs: 100,
      topics: [
        {
          name: 't',
          partitions: [
            {
              index: 1,
              errorCode: 6,
              baseOffset: -1n,
              logAppendTimeMs: -1n,
              logStartOffset: -1n,
              recordErrors: [{ batchIndex: 0, message: 'bad' }],
              errorMessage: 'oops',
              currentLeader: { leaderId: 3, leaderEpoch: 5 },
            },
          ],
        },
      ],
      nodeEndpoints: [{ nodeId: 3, host: 'b3', port: 9092, rack: null }],
    });
  });

  it('skips tag 0 in v9, where it means nothing', () => {
    const bytes = hex('02', '02', utf8('t'), '02', '00000000', '0000', '00'.repeat(24), '01', '00', '01', '00 08 0000000300000005', '00', '00000000', '00');
    const res = decode(bytes, 9);
    expect(res.topics[0].partitions[0].currentLeader).toBeUndefined();
  });

  it.each([3, 4, 5, 6, 7, 8, 9, 10, 11])('round-trips v%d', (version) => {
    const full: ProduceResponse = {
      throttleTimeMs: 12,
      topics: [
        {
          name: 'orders',
          partitions: [
            { index: 0, errorCode: 0, baseOffset: 1000n, logAppendTimeMs: 1700000000000n, logStartOffset: 5n, recordErrors: [], errorMessage: null },
            {
              index: 1,
              errorCode: 87,
              baseOffset: -1n,
              logAppendTimeMs: -1n,
              logStartOffset: 0n,
              recordErrors: [
                { batchIndex: 2, message: 'null key on a compacted topic' },
                { batchIndex: 4, message: null },
              ],
              errorMessage: 'INVALID_RECORD',
              currentLeader: { leaderId: 2, leaderEpoch: 9 },
            },
          ],
        },
      ],
      nodeEndpoints: [{ nodeId: 2, host: 'b2', port: 9093, rack: 'r' }],
    };
    const expected: ProduceResponse = {
      throttleTimeMs: 12,
      topics: full.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const q = {
            ...p,
            logStartOffset: version >= 5 ? p.logStartOffset : -1n,
            recordErrors: version >= 8 ? p.recordErrors : [],
            errorMessage: version >= 8 ? p.errorMessage : null,
          };
          if (version < 10) delete q.currentLeader;
          return q;
        }),
      })),
    };
    if (version >= 10) expected.nodeEndpoints = full.nodeEndpoints;
    expect(decode(encodeProduceResponse(version, full), version)).toEqual(expected);
  });
});
