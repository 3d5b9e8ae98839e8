'use strict';
// kcat (C, Debian's librdkafka) as the non-Node reference: `kcat -P` fed from a file written
// before the clock starts, one record per line (`key:value` with -K: when keyed). The time is
// kcat's wall time, start to exit — kcat flushes (waits for every delivery report) before it exits,
// so that includes all acks, and also its bootstrap (a few ms on loopback). Peak RSS is kcat's own,
// from GNU time's "Maximum resident set size", not this wrapper's.
//
// Settings: librdkafka.js's, as the node-rdkafka and Confluent drivers (why: there).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { workload, payloads, run } = require('./common');
const { throughputSettings } = require('./librdkafka');

run(async () => {
  const w = workload();
  const { value, keys } = payloads(w);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-kcat-'));
  const file = path.join(dir, 'records');
  // Values are A-Z only, keys `key-N`: neither holds the line or key delimiter.
  const valueText = value.toString('latin1');
  const fd = fs.openSync(file, 'w');
  const lines = [];
  for (let i = 0; i < w.records; i++) {
    lines.push(w.keyed ? `${keys[i % keys.length].toString()}:${valueText}\n` : `${valueText}\n`);
    if (lines.length === 10000 || i === w.records - 1) fs.writeSync(fd, lines.splice(0).join(''));
  }
  fs.closeSync(fd);
  const args = ['-v', 'kcat', '-P', '-b', w.bootstrap, '-t', w.topic, ...(w.keyed ? ['-K', ':'] : [])];
  for (const [k, v] of Object.entries(throughputSettings(w))) args.push('-X', `${k}=${v}`);
  const input = fs.openSync(file, 'r');
  let stderr = '';
  const start = process.hrtime.bigint();
  const code = await new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', args, { stdio: [input, 'ignore', 'pipe'] });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', resolve);
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  fs.closeSync(input);
  fs.rmSync(dir, { recursive: true, force: true });
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  // kcat's own CPU (GNU time: user + system of the kcat process, start to exit).
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  if (code !== 0 || /Delivery failed|ERROR/.test(stderr)) {
    throw new Error(`kcat exited ${code}: ${stderr.split('\n').slice(0, 5).join(' | ')}`);
  }
  // kcat reports no ack count of its own: `records` is N, and bench.js checks it on the broker.
  const line = {
    records: w.records,
    seconds,
    recordsPerSec: Math.round(w.records / seconds),
    cpuSeconds: user && system ? Number(user[1]) + Number(system[1]) : null,
    peakRssBytes: rss ? Number(rss[1]) * 1024 : null,
  };
  process.stdout.write(JSON.stringify(line) + '\n');
});
