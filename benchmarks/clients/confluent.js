'use strict';
// @confluentinc/kafka-javascript 1.10 (Confluent's client: node-rdkafka's binding over its own
// librdkafka, 2.15.1, built by bench.sh from the copy in its npm tarball — Debian's 2.0.2 lacks the
// C API its binding calls). Its promisified, KafkaJS-like API: `new Kafka().producer()`, `send()`.
//
// Why that API and not its node-rdkafka-style Producer: its INTRODUCTION.md tells new users to
// start with the promisified API, and gives that API's way to the best throughput — send() without
// awaiting each call, then await them all, with linger.ms letting librdkafka batch across sends.
// That is what a user of this client runs; the node-rdkafka-style path (produce() per record,
// delivery reports polled from JavaScript) is already measured by the node-rdkafka driver. Under
// the promisified API delivery reports are polled on librdkafka's background thread
// (setPollInBackground, set by connect()), each record's send() promise resolved from its report.
// That costs: tried here (100,000 × 100 B, acks=1, mock, 3 runs), its node-rdkafka-style Producer
// used as the node-rdkafka driver uses node-rdkafka took 5.6 µs of CPU per record, this 11.
//
// Throughput (bench.js): the records cut into chunks of CHUNK messages built before the clock,
// each chunk one send(), none awaited until all are sent — except that no more than QUEUE_MESSAGES
// records are outstanding, so that librdkafka's queue never refuses one (a refused produce()
// rejects the send). The timing ends when every send() has resolved (the N-th delivery report).
// Settings: librdkafka.js's, as the node-rdkafka driver and kcat (linger.ms 5, batch.size 256 KiB,
// max.in.flight 5, a 1M-message / 1 GiB queue, and why). CHUNK 10,000: librdkafka batches across
// sends, so a send's size only sets how often the driver pays a send()'s own work (one
// Promise.all and its summary).
//
// Latency (latency.js, w.rate set): each burst the pacer releases is one send() at once, sends
// overlapping (librdkafka keeps the idempotent sequence itself, so no one-at-a-time rule); the ack
// is the send() promise (latency.js's pacedSends). Settings: librdkafka's defaults (linger.ms 5,
// batch.size 1 MB; linger.ms 0 in the linger-0 workloads), only acks and idempotence set.
//
// Both: keyless records use librdkafka's default partitioner, as node-rdkafka (no kafkaJS block,
// which would switch it to murmur2_random); connection setup (connect() waits for the cluster's
// metadata) is outside the clock, the topic's metadata is fetched by the first send (as KafkaJS).
const { Kafka } = require('@confluentinc/kafka-javascript').KafkaJS;
const { workload, payloads, messageChunks, report, run, startClock } = require('./common');
const { throughputSettings, QUEUE_MESSAGES } = require('./librdkafka');
const { pacedSends } = require('./latency');

const CHUNK = Number(process.env.CONFLUENT_CHUNK || 10000);

/** `settings`: librdkafka properties over the bootstrap servers and client id. */
async function connect(w, settings) {
  const producer = new Kafka().producer({ 'bootstrap.servers': w.bootstrap, 'client.id': 'bench-confluent', ...settings });
  await producer.connect();
  return producer;
}

async function throughput(w) {
  const producer = await connect(w, throughputSettings(w));
  // Built before the clock starts; send() sets fields on each message, so one object per record.
  const chunks = messageChunks(w, CHUNK);
  let acked = 0;
  let outstanding = 0;
  // Sends not yet awaited, oldest first: the window waits on the oldest when the queue would fill.
  const sends = [];
  let oldest = 0;
  const start = startClock();
  for (const messages of chunks) {
    while (outstanding + messages.length > QUEUE_MESSAGES) await sends[oldest++];
    outstanding += messages.length;
    sends.push(
      producer.send({ topic: w.topic, messages }).then(() => {
        acked += messages.length;
        outstanding -= messages.length;
      }),
    );
  }
  await Promise.all(sends);
  report(w, acked, start);
  await producer.disconnect();
}

async function latency(w) {
  const { value } = payloads(w);
  const acks = { acks: w.idempotent ? -1 : 1, 'enable.idempotence': w.idempotent };
  const producer = await connect(w, w.linger0 ? { ...acks, 'linger.ms': 0 } : acks);
  await pacedSends(w, {
    send: (messages) => producer.send({ topic: w.topic, messages }),
    message: () => ({ value }),
    oneAtATime: false,
  });
  await producer.disconnect();
}

run(() => {
  const w = workload();
  return w.rate ? latency(w) : throughput(w);
});
