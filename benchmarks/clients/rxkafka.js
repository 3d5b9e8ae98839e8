'use strict';
// rxkafka from the repo's dist/ (npm run build first; bench.sh does it), through the library API:
// createProducer().produce(generator) — the pulled path, so the generator is read only while the
// producer has room in bufferMemory (toKafka takes an Observable, and `from(generator)` would push
// all N records at once). One ack per record; the timing ends at the last one.
//
// Settings (why): batchSize 256 KiB, lingerMs 5 — batches fill to the request's worth per partition
// without waiting long (a sweep of 16 KiB/64 KiB/256 KiB/1 MB, 200k records, acks=1: 256 KiB and
// 1 MB fastest, 16 KiB — the default — half as fast at 1000 B); maxInFlight 5 (the default and the
// idempotent maximum); bufferMemory default 32 MiB. Same batch size/linger as librdkafka's (node-rdkafka, kcat) in this harness.
const { createProducer } = require('../../dist/operators');
const { workload, payloads, report, run } = require('./common');

run(async () => {
  const w = workload();
  const { value, keys } = payloads(w);
  const producer = createProducer({
    brokers: w.bootstrap,
    topic: w.topic,
    acks: w.idempotent ? 'all' : 1,
    idempotence: w.idempotent,
    batchSize: Number(process.env.RXKAFKA_BATCH_SIZE || 262144),
    lingerMs: 5,
    maxInFlight: 5,
    stopOnError: true,
  });
  function* records() {
    const n = w.records;
    if (w.keyed) for (let i = 0; i < n; i++) yield { key: keys[i % keys.length], value };
    else for (let i = 0; i < n; i++) yield { value };
  }
  let acked = 0;
  const start = process.hrtime.bigint();
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
});
