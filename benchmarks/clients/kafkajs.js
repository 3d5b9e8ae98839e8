'use strict';
// KafkaJS 2.2. It has no accumulator across send() calls: a send() is its batch.
//
// Throughput (bench.js): the records are cut into chunks of CHUNK messages, each one send() (one
// Produce request per broker, split by partition), with up to IN_FLIGHT sends outstanding.
// Settings (why): CHUNK 2,000 records — about what fits 16-256 KiB batches per partition over 6
// partitions, the same order as the other clients' batch size, and the fastest of 500/2,000/10,000
// in a sweep (200k records, acks=1); IN_FLIGHT 5 with acks=1 (like max.in.flight 5). With
// idempotence KafkaJS requires maxInFlightRequests 1, and concurrent idempotent sends race on the
// sequence numbers, so sends are awaited one at a time there.
//
// Latency (latency.js, w.rate set): each burst the pacer releases is one send(), at once — with
// acks=1 the sends overlap (maxInFlightRequests left at its default, unbounded); with idempotence
// one at a time, and what is released meanwhile goes in the next send (latency.js's sendBursts).
//
// Both: keyless records use KafkaJS's default partitioner (round-robin by record when no key).
const { Kafka, logLevel, Partitioners } = require('kafkajs');
const { workload, payloads, messageChunks, report, run, startClock } = require('./common');
const { pacedSends } = require('./latency');

// The mock cluster reports ControllerId 0, a broker id that does not exist (its brokers are 1..3),
// and KafkaJS sends a non-transactional InitProducerId to the controller — which any broker can
// answer (KafkaJS's own comment says so). So when the controller is not found, ask the first
// broker. One request before the clock starts; nothing else changes.
const Cluster = require('kafkajs/src/cluster');
const findControllerBroker = Cluster.prototype.findControllerBroker;
Cluster.prototype.findControllerBroker = async function () {
  try {
    return await findControllerBroker.call(this);
  } catch (err) {
    if (err.name !== 'KafkaJSBrokerNotFound') throw err;
    return this.findBroker({ nodeId: String(this.brokerPool.metadata.brokers[0].nodeId) });
  }
};

async function connect(w, maxInFlightRequests) {
  const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: w.bootstrap.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({
    idempotent: w.idempotent,
    maxInFlightRequests: w.idempotent ? 1 : maxInFlightRequests,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

async function throughput(w) {
  const CHUNK = Number(process.env.KAFKAJS_CHUNK || 2000);
  const IN_FLIGHT = w.idempotent ? 1 : Number(process.env.KAFKAJS_IN_FLIGHT || 5);
  const producer = await connect(w, IN_FLIGHT);
  const chunks = messageChunks(w, CHUNK);
  const acks = w.idempotent ? -1 : 1;
  let acked = 0;
  let next = 0;
  const start = startClock();
  async function lane() {
    while (next < chunks.length) {
      const messages = chunks[next++];
      await producer.send({ topic: w.topic, acks, messages });
      acked += messages.length;
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  report(w, acked, start);
  await producer.disconnect();
}

async function latency(w) {
  const { value } = payloads(w);
  const producer = await connect(w, undefined);
  const acks = w.idempotent ? -1 : 1;
  await pacedSends(w, {
    send: (messages) => producer.send({ topic: w.topic, acks, messages }),
    message: () => ({ value }),
    oneAtATime: w.idempotent,
  });
  await producer.disconnect();
}

run(() => {
  const w = workload();
  return w.rate ? latency(w) : throughput(w);
});
