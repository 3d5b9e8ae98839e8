'use strict';
// One client run on a fresh mock cluster: start 3 brokers, create the topic, run the driver as a
// child process, check the broker's end offsets, stop the cluster. A fresh broker per run means no
// run inherits another's log, producer ids or connections.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { startMockCluster } = require('../mockCluster');
const { endOffsets } = require('./endOffsets');

const TOPIC = 'bench';
const PARTITIONS = 6;

/** Resolves { ok, result?, reason? }; never rejects, a failed run is reported and skipped. */
async function runOne(client, workload) {
  const cluster = await startMockCluster({ brokers: 3 });
  try {
    await cluster.command(`topic ${TOPIC} ${PARTITIONS} 3`);
    // @platformatic/kafka 1.x speaks ApiVersions v3 only (see clients/platformatic-mock-hooks.mjs).
    // Only for its runs: librdkafka 2.0.2 (kcat, node-rdkafka) cannot read the mock's v3 answer.
    if (client === 'platformatic') await cluster.command('apiversion 18 0 3');
    const w = { bootstrap: cluster.bootstrap, topic: TOPIC, ...workload };
    const { code, stdout, stderr } = await runDriver(client, w, timeoutMs(w.records));
    if (client === 'platformatic') await cluster.command('apiversion 18 0 2');
    const result = lastJsonLine(stdout);
    const stored = await endOffsets(cluster.bootstrap, TOPIC, PARTITIONS);
    if (code !== 0 || !result) return { ok: false, stored, reason: `exit ${code}: ${tail(stderr)}` };
    if (stored !== w.records) return { ok: false, result, stored, reason: `broker has ${stored} records, not ${w.records}` };
    return { ok: true, result, stored };
  } catch (err) {
    return { ok: false, reason: err.message };
  } finally {
    cluster.stop();
  }
}

// Generous: the slowest client here does ~70k records/s; a hung client must not stall the bench.
const timeoutMs = (records) => 60_000 + records / 10;

function runDriver(client, w, timeout) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(__dirname, '..', 'clients', `${client}.js`), JSON.stringify(w)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeout} ms)`;
      child.kill('SIGKILL');
    }, timeout);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function lastJsonLine(text) {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    try {
      const v = JSON.parse(line);
      if (v && typeof v.recordsPerSec === 'number') return v;
    } catch {
      // not the result line
    }
  }
  return null;
}

const tail = (s) => s.trim().split('\n').slice(-3).join(' | ').slice(0, 400);

module.exports = { runOne };
