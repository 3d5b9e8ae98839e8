import { encodeRequest } from '../../src/protocol/frame';
import { Metadata, type MetadataRequest, type MetadataResponse } from '../../src/protocol/Metadata';
import { Reader } from '../../src/protocol/Reader';
import { Writer } from '../../src/protocol/Writer';
import { hex, utf8 } from './hex';
import { encodeMetadataResponse } from './responseEncoders';

const ZERO_UUID = '00000000000000000000000000000000';

function body(version: number, req: MetadataRequest): Buffer {
  const w = new Writer();
  Metadata.encodeRequest(w, version, req);
  return w.toBuffer();
}

function decode(bytes: Buffer, version: number): MetadataResponse {
  const r = new Reader(bytes);
  const res = Metadata.decodeResponse(r, version);
  expect(r.remaining).toBe(0);
  return res;
}

describe('Metadata request', () => {
  it('v1 (golden bytes): int32 array of STRING names', () => {
    expect(body(1, { topics: ['t1', 'x'], allowAutoTopicCreation: true })).toEqual(
      hex(
        '00000002', // topics: 2
        '0002', utf8('t1'), // name
        '0001', utf8('x'),
      ),
    );
  });

  it('v1 asks for all topics with a null array', () => {
    expect(body(1, { topics: null, allowAutoTopicCreation: true })).toEqual(hex('ffffffff'));
  });

  it('v4 adds allow_auto_topic_creation; v8 the two authorized-operations flags', () => {
    expect(body(4, { topics: [], allowAutoTopicCreation: false })).toEqual(hex('00000000', '00'));
    expect(body(8, { topics: [], allowAutoTopicCreation: true })).toEqual(
      hex(
        '00000000', // topics: none
        '01', // allow_auto_topic_creation
        '00', // include_cluster_authorized_operations (v8-v10)
        '00', // include_topic_authorized_operations (v8+)
      ),
    );
  });

  it('v10 (flexible, with a topic id) still sends the cluster flag', () => {
    expect(body(10, { topics: ['t'], allowAutoTopicCreation: true })).toEqual(
      hex('02', ZERO_UUID, '02', utf8('t'), '00', '01', '00', '00', '00'),
    );
  });

  it('v12 (golden bytes): compact array of {topic_id, name, tags}', () => {
    expect(body(12, { topics: ['t1'], allowAutoTopicCreation: true })).toEqual(
      hex(
        '02', // topics: COMPACT_ARRAY of 1
        ZERO_UUID, // topic_id: zero, topics are asked by name
        '03', utf8('t1'), // name: COMPACT_STRING
        '00', // topic TAG_BUFFER
        '01', // allow_auto_topic_creation
        '00', // include_topic_authorized_operations (no cluster flag after v10)
        '00', // TAG_BUFFER
      ),
    );
    expect(body(12, { topics: null, allowAutoTopicCreation: false })).toEqual(hex('00', '00', '00', '00'));
  });

  it('v12 frame uses request header v2', () => {
    const frame = encodeRequest(new Writer(), Metadata, 12, 5, 'rx', { topics: null, allowAutoTopicCreation: false });
    expect(frame).toEqual(hex('00000011', '0003', '000c', '00000005', '0002', utf8('rx'), '00', '00000000'));
  });

  it('expects response header v1 from v9', () => {
    expect([1, 8, 9, 12].map((v) => Metadata.responseHeaderVersion(v))).toEqual([0, 0, 1, 1]);
  });
});

describe('Metadata response', () => {
  it('decodes v1 (golden bytes)', () => {
    const bytes = hex(
      '00000001', // brokers: 1
      '00000001', '0009', utf8('localhost'), '00002384', // node 1, localhost:9092
      'ffff', // rack: null
      '00000001', // controller_id 1
      '00000001', // topics: 1
      '0000', '0001', utf8('t'), '00', // error 0, name t, not internal
      '00000001', // partitions: 1
      '0000', '00000000', '00000001', // error 0, partition 0, leader 1
      '00000001 00000001', // replica_nodes [1]
      '00000001 00000001', // isr_nodes [1]
    );
    expect(decode(bytes, 1)).toEqual({
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
      clusterId: null,
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 't',
          isInternal: false,
          partitions: [
            { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: -1, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
          ],
        },
      ],
    });
  });

  it('decodes v12 (golden bytes)', () => {
    const topicId = '0102030405060708090a0b0c0d0e0f10';
    const bytes = hex(
      '00000000', // throttle_time_ms
      '02', // brokers: 1
      '00000002', '0a', utf8('localhost'), '00002384', '03', utf8('r1'), '00', // node 2, rack r1, tags
      '04', utf8('abc'), // cluster_id
      '00000002', // controller_id
      '02', // topics: 1
      '0003', // error_code 3 UNKNOWN_TOPIC_OR_PARTITION
      '02', utf8('t'), // name
      topicId, // topic_id
      '00', // is_internal
      '02', // partitions: 1
      '0000', '00000000', '00000002', '00000007', // error, index 0, leader 2, leader_epoch 7
      '02 00000002', '02 00000002', '01', // replicas [2], isr [2], offline []
      '00', // partition tags
      '80000000', // topic_authorized_operations
      '00', // topic tags
      '00', // tags (no cluster_authorized_operations after v10)
    );
    expect(decode(bytes, 12)).toEqual({
      throttleTimeMs: 0,
      brokers: [{ nodeId: 2, host: 'localhost', port: 9092, rack: 'r1' }],
      clusterId: 'abc',
      controllerId: 2,
      topics: [
        {
          errorCode: 3,
          name: 't',
          topicId: hex(topicId),
          isInternal: false,
          partitions: [
            { errorCode: 0, partitionIndex: 0, leaderId: 2, leaderEpoch: 7, replicaNodes: [2], isrNodes: [2], offlineReplicas: [] },
          ],
        },
      ],
    });
  });

  it('decodes a null topic name (v12) as an empty name', () => {
    const res = decode(hex('00000000', '01', '00', '00000001', '02', '0064', '00', ZERO_UUID, '00', '01', '80000000', '00', '00'), 12);
    expect(res.topics[0].name).toBe('');
    expect(res.topics[0].errorCode).toBe(100);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])('round-trips v%d', (version) => {
    const full: MetadataResponse = {
      throttleTimeMs: 3,
      brokers: [
        { nodeId: 1, host: 'b1.example', port: 9092, rack: 'a' },
        { nodeId: 2, host: 'b2.example', port: 9093, rack: null },
      ],
      clusterId: 'cluster-1',
      controllerId: 2,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          topicId: hex('00112233445566778899aabbccddeeff'),
          isInternal: false,
          partitions: [
            { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 4, replicaNodes: [1, 2], isrNodes: [1], offlineReplicas: [2] },
            { errorCode: 5, partitionIndex: 1, leaderId: -1, leaderEpoch: 2, replicaNodes: [2, 1], isrNodes: [], offlineReplicas: [] },
          ],
        },
        { errorCode: 0, name: '__consumer_offsets', topicId: hex(ZERO_UUID), isInternal: true, partitions: [] },
      ],
    };
    // What the version can carry; the rest takes the decoder's defaults.
    const expected: MetadataResponse = {
      throttleTimeMs: version >= 3 ? 3 : 0,
      brokers: full.brokers,
      clusterId: version >= 2 ? 'cluster-1' : null,
      controllerId: 2,
      topics: full.topics.map((t) => {
        const topic = {
          ...t,
          partitions: t.partitions.map((p) => ({
            ...p,
            leaderEpoch: version >= 7 ? p.leaderEpoch : -1,
            offlineReplicas: version >= 5 ? p.offlineReplicas : [],
          })),
        };
        if (version < 10) delete topic.topicId;
        return topic;
      }),
    };
    expect(decode(encodeMetadataResponse(version, full), version)).toEqual(expected);
  });
});
