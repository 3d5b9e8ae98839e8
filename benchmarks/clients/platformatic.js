'use strict';
// @platformatic/kafka 1.x (2.x needs Node 22). Its producer batches per send() call only (no
// linger across calls), so a send() is its batch.
//
// Throughput (bench.js): batching is done here as for KafkaJS: chunks of CHUNK messages, each one
// send(), up to IN_FLIGHT sends outstanding. (Its asStream() Writable chunks the same way but
// keeps one send in flight; in a first try here it did not finish, so it is not used.) Settings
// (why): CHUNK about 2 MB of values (10,000 records of 100 B, 2,000 of 1000 B): in a sweep of
// 500/2,000/10,000 (200k records, acks=1) those were the fastest, if noisy; IN_FLIGHT 5 as for
// KafkaJS; with idempotence 1 (see below; the producer also forces maxInflights 1 itself).
//
// Latency (latency.js, w.rate set): each burst the pacer releases is one send(), at once — with
// acks=1 the sends overlap (the client's own limits apply); with idempotence one at a time (see
// below), and what is released meanwhile goes in the next send (latency.js's sendBursts).
//
// Both: keyless records use its default partitioner.
const { register } = require('node:module');
const { pathToFileURL } = require('node:url');
const { workload, payloads, report, run, startClock } = require('./common');
const { pacedSends } = require('./latency');

async function connect(w) {
  // Before the package loads: see platformatic-mock-hooks.mjs (the mock's ApiVersions v3 answer;
  // Apache Kafka's is well-formed and read as it is).
  if (w.broker === 'mock') register(pathToFileURL(`${__dirname}/platformatic-mock-hooks.mjs`));
  const { Producer } = await import('@platformatic/kafka');
  const producer = new Producer({
    clientId: 'bench-platformatic',
    bootstrapBrokers: w.bootstrap.split(','),
    idempotent: w.idempotent,
    acks: w.idempotent ? -1 : 1,
    autocreateTopics: false,
    // A new idempotent producer must ask InitProducerId with id -1, epoch -1 (KIP-360); this client
    // sends 0/0 unless told, which the mock answers UNKNOWN_PRODUCER_ID (a real broker ignores
    // the fields without a transactional id).
    ...(w.idempotent ? { producerId: -1n, producerEpoch: -1 } : {}),
  });
  // Connects and caches the topic's metadata before the clock starts, as the other drivers do.
  await producer.metadata({ topics: [w.topic] });
  return producer;
}

async function throughput(w) {
  const producer = await connect(w);
  const { value, keys } = payloads(w);
  const CHUNK = Number(process.env.PLATFORMATIC_CHUNK || Math.min(10000, Math.floor(2e6 / w.recordSize)));
  // Idempotent: one send at a time. With 5 concurrent sends the strict mock stored fewer than N
  // records (batches with reused sequence numbers are acked as duplicates and not written).
  const IN_FLIGHT = w.idempotent ? 1 : Number(process.env.PLATFORMATIC_IN_FLIGHT || 5);
  const topic = w.topic;
  const messages = new Array(w.records);
  for (let i = 0; i < w.records; i++) {
    messages[i] = w.keyed ? { topic, key: keys[i % keys.length], value } : { topic, value };
  }
  let acked = 0;
  const start = startClock();
  {
    let next = 0;
    const lane = async () => {
      while (next < messages.length) {
        const chunk = messages.slice(next, next + CHUNK);
        next += CHUNK;
        await producer.send({ messages: chunk });
        acked += chunk.length;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  }
  report(w, acked, start);
  await producer.close();
}

async function latency(w) {
  const producer = await connect(w);
  const { value } = payloads(w);
  const topic = w.topic;
  await pacedSends(w, { send: (messages) => producer.send({ messages }), message: () => ({ topic, value }), oneAtATime: w.idempotent });
  await producer.close();
}

run(() => {
  const w = workload();
  return w.rate ? latency(w) : throughput(w);
});
