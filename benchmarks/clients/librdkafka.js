'use strict';
// The throughput settings of the three clients over librdkafka (node-rdkafka, Confluent's
// kafka-javascript, kcat), in one place so that they stay the same. Why each:
// linger.ms 5 and batch.size 256 KiB — rxkafka's in this harness; batch.num.messages 100,000 so
// the record count never cuts a batch before batch.size does; max.in.flight 5 (the idempotent
// maximum); a 1M-message / 1 GiB local queue so that a produce() is rarely refused.
// acks and enable.idempotence are per workload: acks=all with idempotence, or acks=1 without.

/** librdkafka's queue.buffering.max.messages here: the most records waiting in the client at once. */
const QUEUE_MESSAGES = 1000000;

/** The librdkafka properties of workload `w` (common.js's workload()), as numbers and booleans. */
function throughputSettings(w) {
  return {
    acks: w.idempotent ? -1 : 1,
    'enable.idempotence': w.idempotent,
    'linger.ms': 5,
    'batch.size': 262144,
    'batch.num.messages': 100000,
    'max.in.flight.requests.per.connection': 5,
    'queue.buffering.max.messages': QUEUE_MESSAGES,
    'queue.buffering.max.kbytes': 1048576,
  };
}

module.exports = { throughputSettings, QUEUE_MESSAGES };
