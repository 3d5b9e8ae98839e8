'use strict';
// The `partition` stage for records without an explicit partition: murmur2 of the key
// (Java-compatible) for keyed records, the uniform sticky partitioner for keyless ones, both
// through choosePartition as the producer calls it. 6 partitions, all with a leader.
const { keys, payload, NOW_MS, BATCH_BYTES } = require('../fixtures');

const PARTITIONS = 6;
const KEY_COUNT = 1000;

/** Serialized records as the partition stage receives them: keyed over 1000 keys, or keyless. */
function serializedRecords(keyed) {
  const value = payload(100);
  return keys(KEY_COUNT).map((key, i) => ({
    topic: 'events',
    partition: -1,
    key: keyed ? Buffer.from(key) : null,
    value,
    headers: null,
    timestamp: NOW_MS,
    meta: i,
    error: null,
  }));
}

function partitionCase(keyed) {
  return {
    name: `partition/${keyed ? 'keyed' : 'keyless'}`,
    unit: 'record',
    guards: keyed
      ? 'choosePartition of a keyed record: murmur2 of an 11 B key, toPositive, modulo'
      : 'choosePartition of a keyless record: the sticky partition, its byte count, a switch every 16 KiB',
    setup(internals) {
      const { choosePartition } = internals.load('partitioners/choosePartition');
      const { BuiltInPartitioner } = internals.load('partitioners/BuiltInPartitioner');
      const topic = { partitions: Array.from({ length: PARTITIONS }, (_, p) => ({ partition: p, leader: p % 3 })) };
      const sticky = new BuiltInPartitioner();
      const records = serializedRecords(keyed);
      return {
        run(n) {
          let sum = 0;
          for (let i = 0; i < n; i++) sum += choosePartition(records[i % KEY_COUNT], topic, undefined, sticky, BATCH_BYTES);
          return sum;
        },
      };
    },
  };
}

const murmur2Case = {
  name: 'partition/murmur2-36B',
  unit: 'key',
  guards: 'murmur2 alone, on a 36 B key (a UUID string): the hash loop without the partitioner around it',
  setup(internals) {
    const { murmur2 } = internals.load('protocol/murmur2');
    const uuids = Array.from({ length: KEY_COUNT }, (_, i) => Buffer.from(`4bf92f35-77b3-4da6-a3ce-${String(i).padStart(12, '0')}`));
    return {
      run(n) {
        let h = 0;
        for (let i = 0; i < n; i++) h ^= murmur2(uuids[i % KEY_COUNT]);
        return h;
      },
    };
  },
};

module.exports = [partitionCase(true), partitionCase(false), murmur2Case];
