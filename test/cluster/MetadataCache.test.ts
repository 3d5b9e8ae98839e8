import { MetadataCache } from '../../src/cluster/MetadataCache';
import type { MetadataResponse } from '../../src/protocol/Metadata';

const partition = (partitionIndex: number, leaderId: number, leaderEpoch = 0) => ({
  errorCode: leaderId < 0 ? 5 : 0,
  partitionIndex,
  leaderId,
  leaderEpoch,
  replicaNodes: [],
  isrNodes: [],
  offlineReplicas: [],
});

function response(topics: MetadataResponse['topics']): MetadataResponse {
  return {
    throttleTimeMs: 0,
    brokers: [
      { nodeId: 1, host: 'a', port: 1, rack: 'r1' },
      { nodeId: 2, host: 'b', port: 2, rack: null },
    ],
    clusterId: 'c',
    controllerId: 2,
    topics,
  };
}

describe('MetadataCache', () => {
  test('partitions are indexed by number whatever the response order; holes become leaderless', () => {
    const cache = new MetadataCache();
    const incomplete = cache.update(
      response([{ errorCode: 0, name: 't', isInternal: false, partitions: [partition(3, 2), partition(0, 1), partition(1, 2)] }]),
    );
    const t = cache.topic('t')!;
    expect(t.partitions.map((p) => [p.partition, p.leader])).toEqual([[0, 1], [1, 2], [2, -1], [3, 2]]);
    expect(incomplete).toEqual(['t']);
    expect(cache.leaderFor('t', 3)).toEqual({ nodeId: 2, host: 'b', port: 2, rack: null });
    expect(cache.leaderFor('t', 2)).toBeUndefined();
    expect(cache.controllerId).toBe(2);
  });

  test('a topic error leaves no partitions; a leader that is not a known broker counts as incomplete', () => {
    const cache = new MetadataCache();
    const incomplete = cache.update(
      response([
        { errorCode: 3, name: 'missing', isInternal: false, partitions: [] },
        { errorCode: 0, name: 'ghost', isInternal: false, partitions: [partition(0, 7)] },
        { errorCode: 0, name: 'fine', isInternal: false, partitions: [partition(0, 1)] },
      ]),
    );
    expect(cache.topic('missing')).toEqual({ name: 'missing', errorCode: 3, partitions: [] });
    expect(incomplete).toEqual(['missing', 'ghost']);
    expect(cache.leaderFor('ghost', 0)).toBeUndefined();
  });

  test('brokers are replaced by each response, so a removed broker is no longer a leader', () => {
    const cache = new MetadataCache();
    cache.update(response([{ errorCode: 0, name: 't', isInternal: false, partitions: [partition(0, 2)] }]));
    const before = cache.brokers;
    cache.update({ ...response([]), brokers: [{ nodeId: 1, host: 'a', port: 1, rack: null }] });
    expect(before.size).toBe(2);
    expect(cache.brokers.size).toBe(1);
    expect(cache.leaderFor('t', 0)).toBeUndefined();
  });
});
