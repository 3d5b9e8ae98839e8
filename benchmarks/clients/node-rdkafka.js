'use strict';
// node-rdkafka 3.6 (built with BUILD_LIBRDKAFKA=0: Debian's librdkafka). produce() per record;
// when librdkafka's queue is full it throws, so the loop polls and yields until there is room.
// The timing ends at the N-th delivery report.
//
// Settings (why): linger.ms 5 and batch.size 256 KiB — the same as rxkafka and kcat here;
// batch.num.messages 100,000 so the record count never cuts a batch before batch.size does;
// max.in.flight 5 (the idempotent maximum); a 1M-message / 1 GiB local queue so produce() is
// rarely refused. dr_msg_cb off: only the error matters, not a copy of the message.
const Kafka = require('node-rdkafka');
const { workload, payloads, report, run } = require('./common');

run(async () => {
  const w = workload();
  const { value, keys } = payloads(w);
  const producer = new Kafka.Producer(
    {
      'metadata.broker.list': w.bootstrap,
      'client.id': 'bench-node-rdkafka',
      dr_cb: true,
      acks: w.idempotent ? -1 : 1,
      'enable.idempotence': w.idempotent,
      'linger.ms': 5,
      'batch.size': 262144,
      'batch.num.messages': 100000,
      'max.in.flight.requests.per.connection': 5,
      'queue.buffering.max.messages': 1000000,
      'queue.buffering.max.kbytes': 1048576,
    },
    {},
  );
  await new Promise((resolve, reject) => {
    producer.once('ready', resolve);
    producer.connect({ topic: w.topic }, (err) => err && reject(err));
  });
  let acked = 0;
  let failed = 0;
  let firstError = null;
  const done = new Promise((resolve) => {
    producer.on('delivery-report', (err) => {
      if (err) {
        failed++;
        firstError ??= err;
      } else acked++;
      if (acked + failed === w.records) resolve();
    });
  });
  producer.setPollInterval(10);
  const start = process.hrtime.bigint();
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
});
