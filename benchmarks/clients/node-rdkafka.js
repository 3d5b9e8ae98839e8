'use strict';
// node-rdkafka 3.6 (built with BUILD_LIBRDKAFKA=0: Debian's librdkafka). produce() per record.
// Delivery reports reach JavaScript only when the producer is polled (setPollInterval).
//
// Throughput (bench.js): when librdkafka's queue is full produce() throws, so the loop polls and
// yields until there is room. The timing ends at the N-th delivery report. Settings: librdkafka.js's
// (linger.ms 5, batch.size 256 KiB, as kcat and Confluent's client here, and why); polled every
// 10 ms. dr_msg_cb off: only the error matters, not a copy of the message.
//
// Latency (latency.js, w.rate set): each released record is one produce() with its release time
// as the opaque, read back from its delivery report. Settings: librdkafka's defaults (linger.ms 5,
// batch.size 1 MB, sticky partitioning of keyless records for 2 × linger.ms; linger.ms 0 in the
// linger-0 workloads), only acks and
// idempotence set — but polled every 1 ms (RDKAFKA_POLL_MS), not the README's 100 or the 10
// above: a report waits in librdkafka until the next poll, so the interval adds up to itself to
// every latency, and 1 ms, the shortest Node timer, is what a latency-conscious user would set.
const Kafka = require('node-rdkafka');
const { workload, payloads, report, run, startClock } = require('./common');
const { throughputSettings } = require('./librdkafka');
const { pace, Latencies, reportLatency } = require('./latency');

async function connect(w, tuning) {
  const producer = new Kafka.Producer(
    {
      'metadata.broker.list': w.bootstrap,
      'client.id': 'bench-node-rdkafka',
      dr_cb: true,
      acks: w.idempotent ? -1 : 1,
      'enable.idempotence': w.idempotent,
      ...tuning,
    },
    {},
  );
  await new Promise((resolve, reject) => {
    producer.once('ready', resolve);
    producer.connect({ topic: w.topic }, (err) => err && reject(err));
  });
  return producer;
}

/** Resolves when `records` delivery reports have arrived; `onReport(err, report)` sees each. */
function deliveryReports(producer, records, onReport) {
  let reports = 0;
  return new Promise((resolve) => {
    producer.on('delivery-report', (err, report) => {
      onReport(err, report);
      if (++reports === records) resolve();
    });
  });
}

async function throughput(w) {
  const { value, keys } = payloads(w);
  const producer = await connect(w, throughputSettings(w));
  let acked = 0;
  let firstError = null;
  const done = deliveryReports(producer, w.records, (err) => {
    if (err) firstError ??= err;
    else acked++;
  });
  producer.setPollInterval(10);
  const start = startClock();
  for (let i = 0; i < w.records; ) {
    try {
      producer.produce(w.topic, null, value, w.keyed ? keys[i % keys.length] : null);
      i++;
    } catch (err) {
      if (err.code !== Kafka.CODES.ERRORS.ERR__QUEUE_FULL) throw err;
      producer.poll();
      await new Promise((r) => setImmediate(r));
    }
  }
  await done;
  if (firstError) process.stderr.write(`delivery failed: ${firstError.message}\n`);
  report(w, acked, start);
  await new Promise((r) => producer.disconnect(r));
}

async function latency(w) {
  const { value } = payloads(w);
  const producer = await connect(w, w.linger0 ? { 'linger.ms': 0 } : {});
  let firstError = null;
  const latencies = new Latencies(w);
  const done = deliveryReports(producer, w.records, (err, report) => {
    if (err) firstError ??= err;
    else latencies.ack(report.opaque);
  });
  producer.setPollInterval(Number(process.env.RDKAFKA_POLL_MS || 1));
  await pace(w, latencies.startMs, (count, releasedMs) => {
    for (let i = 0; i < count; i++) producer.produce(w.topic, null, value, null, null, releasedMs);
  });
  await done;
  if (firstError) process.stderr.write(`delivery failed: ${firstError.message}\n`);
  reportLatency(w, latencies);
  await new Promise((r) => producer.disconnect(r));
}

run(() => {
  const w = workload();
  return w.rate ? latency(w) : throughput(w);
});
