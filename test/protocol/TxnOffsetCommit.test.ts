import { Reader } from '../../src/protocol/Reader';
import { TxnOffsetCommit, type TxnOffsetCommitRequest } from '../../src/protocol/TxnOffsetCommit';
import { Writer } from '../../src/protocol/Writer';
import { hex, utf8 } from './hex';

const request: TxnOffsetCommitRequest = {
  transactionalId: 'tx',
  groupId: 'g',
  producerId: 7n,
  producerEpoch: 1,
  generationId: 4,
  memberId: 'm',
  groupInstanceId: null,
  topics: [{ name: 'in', partitions: [{ partitionIndex: 2, committedOffset: 100n, committedLeaderEpoch: -1, committedMetadata: null }] }],
};

function body(version: number): Buffer {
  const w = new Writer();
  TxnOffsetCommit.encodeRequest(w, version, request);
  return w.toBuffer();
}

describe('TxnOffsetCommit request', () => {
  it('v0 (golden bytes): no leader epoch, no generation', () => {
    expect(body(0)).toEqual(
      hex(
        '0002', utf8('tx'), // transactional_id
        '0001', utf8('g'), // group_id
        '0000000000000007', '0001', // producer_id, producer_epoch
        '00000001', '0002', utf8('in'), // topics: 1, name
        '00000001', '00000002', '0000000000000064', // partitions: 1, index 2, offset 100
        'ffff', // committed_metadata: null
      ),
    );
  });

  it('v2 (golden bytes) adds the committed leader epoch', () => {
    expect(body(2)).toEqual(
      hex('0002', utf8('tx'), '0001', utf8('g'), '0000000000000007', '0001', '00000001', '0002', utf8('in'), '00000001', '00000002', '0000000000000064', 'ffffffff', 'ffff'),
    );
  });

  it('v3 (golden bytes) is flexible and carries the consumer generation', () => {
    expect(body(3)).toEqual(
      hex(
        '03', utf8('tx'), '02', utf8('g'), // compact transactional_id, group_id
        '0000000000000007', '0001',
        '00000004', // generation_id 4
        '02', utf8('m'), // member_id
        '00', // group_instance_id: null
        '02', '03', utf8('in'), // topics: 1, name
        '02', '00000002', '0000000000000064', 'ffffffff', '00', '00', // partition, metadata null, TAG_BUFFER
        '00', // topic TAG_BUFFER
        '00', // TAG_BUFFER
      ),
    );
  });
});

describe('TxnOffsetCommit response', () => {
  it('decodes v1 and v3 (golden bytes)', () => {
    const expected = { throttleTimeMs: 0, topics: [{ name: 'in', partitions: [{ partitionIndex: 2, errorCode: 22 }] }] };
    expect(TxnOffsetCommit.decodeResponse(new Reader(hex('00000000', '00000001', '0002', utf8('in'), '00000001', '00000002', '0016')), 1)).toEqual(expected);
    const r = new Reader(hex('00000000', '02', '03', utf8('in'), '02', '00000002', '0016', '00', '00', '00'));
    expect(TxnOffsetCommit.decodeResponse(r, 3)).toEqual(expected);
    expect(r.remaining).toBe(0);
  });
});
