'use strict';
// Memory benchmark: N records of 1000 B pulled from a generator through the producer with the
// default bufferMemory (32 MiB). Peak RSS must not grow with N: the source is only read while the
// producer has room. Prints RSS at checkpoints and a JSON summary line.
//
//   npm run build && bash test/broker/setup.sh && node benchmarks/memory.js [N=10000000]
const { createProducer } = require('../dist/operators');
const { startMockCluster } = require('./mockCluster');

async function main() {
  const n = Number(process.argv[2] || 10_000_000);
  const checkpoints = new Set([1_000_000, 5_000_000, 10_000_000, n]);
  const cluster = await startMockCluster({ brokers: 3 });
  await cluster.command('topic memory 6 1');
  const producer = createProducer({ brokers: cluster.bootstrap, topic: 'memory' });
  const value = Buffer.alloc(1000, 120);
  const keys = Array.from({ length: 1000 }, (_, i) => `key-${i}`);
  function* records() {
    for (let i = 0; i < n; i++) yield { key: keys[i % 1000], value };
  }
  let acked = 0;
  let failed = 0;
  let peakRss = 0;
  const samples = [];
  const started = Date.now();
  await new Promise((resolve, reject) => {
    producer.produce(records()).subscribe({
      next(ack) {
        if (ack.error) failed++;
        else acked++;
        const done = acked + failed;
        if ((done & 0xffff) === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
        if (checkpoints.has(done)) {
          const rss = process.memoryUsage.rss();
          peakRss = Math.max(peakRss, rss);
          samples.push({ records: done, rssMB: Math.round(rss / 1048576), peakRssMB: Math.round(peakRss / 1048576) });
          process.stderr.write(`${done} records: rss ${Math.round(rss / 1048576)} MB, peak ${Math.round(peakRss / 1048576)} MB\n`);
        }
      },
      error: reject,
      complete: resolve,
    });
  });
  await producer.close();
  cluster.stop();
  const secs = (Date.now() - started) / 1000;
  console.log(JSON.stringify({ records: n, acked, failed, seconds: secs, recordsPerSec: Math.round(acked / secs), samples }));
  process.exitCode = acked === n ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
