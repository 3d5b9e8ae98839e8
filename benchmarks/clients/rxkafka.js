'use strict';
// rxkafka from the repo's dist/ (npm run build first; bench.sh does it), through the library API.
//
// Throughput (bench.js): createProducer().produce(generator) — the pulled path, so the generator
// is read only while the producer has room in bufferMemory (toKafka takes an Observable, and
// `from(generator)` would push all N records at once). One ack per record; the timing ends at the
// last one. Settings: rxkafka's defaults (issue 12: the headline is what a user who tunes nothing
// runs) — batchSize 256 KiB (batches take memory as records arrive), lingerMs 5 while a batch of
// the partition is on its way (sendWhenIdle), maxInFlight 5, bufferMemory 32 MiB; only acks and
// idempotence are set, per workload. That is also the batching the other clients get here (linger
// 5 ms, batches of up to 256 KiB, 5 in flight).
//
// Latency (latency.js, w.rate set): records pushed into a Subject as the pacer releases them —
// a paced source is a hot one, and pushing is how it reaches toKafka — and the latency read from
// each ack's meta (the release time). Settings: the defaults (lingerMs 5 with sendWhenIdle,
// batchSize 256 KiB, maxInFlight 5), only acks and idempotence set: what a user who has not tuned
// for throughput runs; in the linger-0 workloads lingerMs 0, what a user who wants latency sets.
// RXKAFKA_LINGER_MS / RXKAFKA_BATCH_SIZE override them, for exploring only.
const { Subject } = require('rxjs');
const { createProducer } = require('../../dist/operators');
const { workload, payloads, report, run, startClock } = require('./common');
const { pace, Latencies, reportLatency } = require('./latency');

const env = (name) => (process.env[name] ? Number(process.env[name]) : undefined);

/** RXKAFKA_BATCH_SIZE / RXKAFKA_LINGER_MS, for exploring only: unset, rxkafka runs at its defaults. */
function tuned() {
  const out = {};
  if (env('RXKAFKA_BATCH_SIZE') !== undefined) out.batchSize = env('RXKAFKA_BATCH_SIZE');
  if (env('RXKAFKA_LINGER_MS') !== undefined) out.lingerMs = env('RXKAFKA_LINGER_MS');
  return out;
}

const settings = (w) => ({
  brokers: w.bootstrap,
  topic: w.topic,
  acks: w.idempotent ? 'all' : 1,
  idempotence: w.idempotent,
  stopOnError: true,
});

async function throughput(w) {
  const { value, keys } = payloads(w);
  const producer = createProducer({ ...settings(w), ...tuned() });
  function* records() {
    const n = w.records;
    if (w.keyed) for (let i = 0; i < n; i++) yield { key: keys[i % keys.length], value };
    else for (let i = 0; i < n; i++) yield { value };
  }
  let acked = 0;
  const start = startClock();
  await new Promise((resolve, reject) => {
    producer.produce(records()).subscribe({
      next: (ack) => {
        if (!ack.error) acked++;
      },
      error: reject,
      complete: resolve,
    });
  });
  report(w, acked, start);
  await producer.close();
}

async function latency(w) {
  const { value } = payloads(w);
  const producer = createProducer({ ...settings(w), batchSize: env('RXKAFKA_BATCH_SIZE'), lingerMs: w.linger0 ? 0 : env('RXKAFKA_LINGER_MS') });
  const records$ = new Subject();
  const latencies = new Latencies(w);
  const acked = new Promise((resolve, reject) => {
    producer.produce(records$).subscribe({
      next: (ack) => {
        if (!ack.error) latencies.ack(ack.meta);
      },
      error: reject,
      complete: resolve,
    });
  });
  await pace(w, latencies.startMs, (count, releasedMs) => {
    for (let i = 0; i < count; i++) records$.next({ value, meta: releasedMs });
  });
  records$.complete();
  await acked;
  reportLatency(w, latencies);
  await producer.close();
}

run(() => {
  const w = workload();
  return w.rate ? latency(w) : throughput(w);
});
