'use strict';
// Shared by the Node drivers: the workload from argv, preallocated payloads, peak RSS and the one
// JSON result line. Each driver runs in its own process, so one client's heap, native threads and
// GC never count against another's.
const fs = require('node:fs');

/**
 * The workload, passed by bench.js as one JSON argument:
 * { bootstrap, topic, broker: 'mock' | 'kafka', records, recordSize, acks: '1' | 'all', keyed }.
 * acks 'all' always means idempotence on, acks '1' idempotence off (issue 4's two settings).
 */
function workload() {
  const w = JSON.parse(process.argv[2]);
  for (const k of ['bootstrap', 'topic', 'records', 'recordSize', 'acks']) {
    if (w[k] === undefined) throw new Error(`workload: missing ${k}`);
  }
  return { ...w, keyed: Boolean(w.keyed), idempotent: w.acks === 'all' };
}

// 1000 distinct keys, like kafka-producer-perf-test's --key-count: enough to spread over the
// 6 partitions by hash, few enough to preallocate.
const KEY_COUNT = 1000;

/** One value Buffer shared by every record (no compression, so its content does not matter) and the keys. */
function payloads(w) {
  const value = Buffer.alloc(w.recordSize);
  for (let i = 0; i < value.length; i++) value[i] = 65 + (i % 26);
  const keys = Array.from({ length: KEY_COUNT }, (_, i) => Buffer.from(`key-${i}`));
  return { value, keys };
}

/**
 * The workload's records as KafkaJS-style message objects ({ value } or { key, value }), cut into
 * arrays of `size`, for the drivers whose unit is a send() of many records. Built before the clock
 * starts; one object per record (a client may set fields on them).
 */
function messageChunks(w, size) {
  const { value, keys } = payloads(w);
  const chunks = [];
  for (let i = 0; i < w.records; i += size) {
    const messages = [];
    for (let j = i; j < Math.min(i + size, w.records); j++) {
      messages.push(w.keyed ? { key: keys[j % keys.length], value } : { value });
    }
    chunks.push(messages);
  }
  return chunks;
}

/**
 * Peak RSS as the kernel counts it (VmHWM): exact, no sampling interval to miss a spike. It covers
 * the whole process, native threads (librdkafka's) included.
 */
function peakRssBytes() {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage.rss();
}

/**
 * Starts the timed part: wall clock and the process's CPU time (user + system, every thread —
 * librdkafka's too), so that `report` can give the CPU each record cost. CPU time is the figure
 * a shared machine disturbs least: it does not count the time the client waited for the broker.
 */
function startClock() {
  return { ns: process.hrtime.bigint(), cpu: process.cpuUsage() };
}

/** Prints the result line bench.js reads; `acked` is what the client confirmed, checked against the broker anyway. */
function report(w, acked, start) {
  const seconds = Number(process.hrtime.bigint() - start.ns) / 1e9;
  const cpu = process.cpuUsage(start.cpu);
  const line = {
    records: acked,
    seconds,
    recordsPerSec: Math.round(acked / seconds),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssBytes: peakRssBytes(),
  };
  process.stdout.write(JSON.stringify(line) + '\n');
  if (acked !== w.records) process.exitCode = 1;
}

/** Runs main(), reporting failures on stderr with a non-zero exit (bench.js discards that run). */
function run(main) {
  main().catch((err) => {
    // inspect, not .stack: the clients' AggregateErrors keep the broker's error code in properties.
    process.stderr.write(`${require('node:util').inspect(err, { depth: 5 })}\n`);
    process.exit(1);
  });
}

module.exports = { workload, payloads, messageChunks, peakRssBytes, startClock, report, run, KEY_COUNT };
