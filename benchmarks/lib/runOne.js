'use strict';
// One client run on one broker: the broker prepares a topic (the mock: a fresh cluster; Kafka: a
// fresh topic on the round's cluster), the driver runs as a child process, the broker's end offsets
// are checked, the topic (or mock cluster) is released.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { settledEndOffsets } = require('./endOffsets');

/** Resolves { ok, result?, reason? }; never rejects, a failed run is reported and skipped. */
async function runOne(client, workload, broker) {
  let run = null;
  try {
    run = await broker.prepare(client);
    const w = { bootstrap: run.bootstrap, topic: run.topic, broker: broker.id, ...workload };
    const { code, stdout, stderr } = await runDriver(client, w, timeoutMs(w.records));
    await run.afterDriver();
    const result = lastJsonLine(stdout);
    const stored = await settledEndOffsets(run.bootstrap, run.topic, run.partitions, w.records);
    if (code !== 0 || !result) return { ok: false, stored, reason: `exit ${code}: ${tail(stderr)}` };
    if (stored !== w.records) return { ok: false, result, stored, reason: `broker has ${stored} records, not ${w.records}` };
    return { ok: true, result, stored };
  } catch (err) {
    return { ok: false, reason: err.message };
  } finally {
    if (run) await run.release().catch((err) => process.stderr.write(`bench: releasing ${run.topic}: ${err.message}\n`));
  }
}

// Drivers running now, each the leader of its process group: ended with the bench on Ctrl-C (their
// groups do not get the terminal's SIGINT), and the 'exit' hooks (KafkaCluster's) then run.
const live = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const pid of live) killGroup(pid);
    process.exit(130);
  });
}

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

// Generous: the slowest client here does ~50k records/s; a hung client must not stall the bench.
const timeoutMs = (records) => 60_000 + records / 10;

function runDriver(client, w, timeout) {
  return new Promise((resolve) => {
    // Its own process group, so that a timeout ends what the driver started too (kcat, the JVM).
    const child = spawn(process.execPath, [path.join(__dirname, '..', 'clients', `${client}.js`), JSON.stringify(w)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    live.add(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeout} ms)`;
      killGroup(child.pid);
    }, timeout);
    child.on('close', (code) => {
      clearTimeout(timer);
      live.delete(child.pid);
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
