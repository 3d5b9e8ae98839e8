'use strict';
// Where a producer's peak RSS goes: N records of SIZE bytes (keyless, acks=1) pulled from a
// generator through one producer on a fresh 3-broker mock, process.memoryUsage() sampled every
// 20 ms; prints one JSON line with the process's peak RSS (VmHWM), the memory before the producer
// was made (`base`: Node and the modules) and the peak of each part (V8 heap, ArrayBuffers).
// Producer options and Node flags show what each part costs:
//
//   npm run build && bash test/broker/setup.sh
//   node benchmarks/rssBreakdown.js 500000 1000
//   node --max-semi-space-size=2 benchmarks/rssBreakdown.js 500000 1000 '{"bufferMemory":16777216}'
const fs = require('node:fs');
const { createProducer } = require('../dist/operators');
const { startMockCluster } = require('./mockCluster');

const MB = (bytes) => Math.round(bytes / 1048576);
const inMB = (usage) => Object.fromEntries(Object.entries(usage).map(([k, v]) => [k, MB(v)]));

async function main() {
  const n = Number(process.argv[2] || 500_000);
  const size = Number(process.argv[3] || 1000);
  const options = JSON.parse(process.argv[4] || '{}');
  const cluster = await startMockCluster({ brokers: 3 });
  await cluster.command('topic rss 6 3');
  const base = process.memoryUsage();
  const producer = createProducer({ brokers: cluster.bootstrap, topic: 'rss', acks: 1, idempotence: false, ...options });
  const value = Buffer.alloc(size, 120);
  function* records() {
    for (let i = 0; i < n; i++) yield { value };
  }
  const peak = {};
  const sample = () => {
    const m = process.memoryUsage();
    for (const k of Object.keys(m)) peak[k] = Math.max(peak[k] || 0, m[k]);
  };
  const timer = setInterval(sample, 20);
  let acked = 0;
  const startMs = Date.now();
  await new Promise((resolve, reject) =>
    producer.produce(records()).subscribe({ next: (ack) => (acked += ack.error ? 0 : 1), error: reject, complete: resolve }),
  );
  const seconds = (Date.now() - startMs) / 1000;
  clearInterval(timer);
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
  await producer.close();
  cluster.stop();
  console.log(JSON.stringify({ records: n, acked, seconds, peakRssMB: MB(hwm), base: inMB(base), peak: inMB(peak) }));
  process.exitCode = acked === n ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
