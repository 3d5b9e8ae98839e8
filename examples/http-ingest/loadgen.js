'use strict';
// Load generator for server.js: a second process POSTing ndjson batches over loopback.
//
//   URL=http://127.0.0.1:8080/records RATE=20 RECORDS=200 DURATION_S=10 node examples/http-ingest/loadgen.js
//
// Open loop: a new batch starts every 1/RATE s whatever the server does (at most MAX_OUTSTANDING
// at once), as independent clients would. A batch answered 503 is sent again after its
// Retry-After; one answered 200 adds its `acked` and `failed` to the totals. Every second a
// progress line (JSON) goes to stderr; at the end (DURATION_S, or SIGTERM / SIGINT: no new
// batches, batches in progress finish, those waiting to retry give up) one summary line (JSON)
// goes to stdout.
const http = require('node:http');
const { envInt } = require('./env');

const PROGRAM = 'loadgen';

const url = new URL(process.env.URL || 'http://127.0.0.1:8080/records');
const rate = Math.max(1, envInt(PROGRAM, 'RATE', 20));
const recordsPerBatch = Math.max(1, envInt(PROGRAM, 'RECORDS', 200));
const padBytes = envInt(PROGRAM, 'RECORD_BYTES', 200);
const maxOutstanding = Math.max(1, envInt(PROGRAM, 'MAX_OUTSTANDING', 32));
const durationS = envInt(PROGRAM, 'DURATION_S', 0); // 0: until a signal

const runId = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const pad = 'x'.repeat(padBytes);
const agent = new http.Agent({ keepAlive: true, maxSockets: maxOutstanding });

const totals = {
  batches: 0, // batches started
  answered: 0, // 200 responses
  rejected: 0, // 503 responses (each retried unless stopping)
  abandoned: 0, // records of batches given up while waiting to retry at the end
  acked: 0,
  failed: 0,
  errors: 0, // transport errors or other statuses: those batches' records are of unknown fate
};
let outstanding = 0;
let stopping = false;
let wakeSleepers = () => {};
const stopped = new Promise((resolve) => (wakeSleepers = resolve));

function body(batch) {
  let text = '';
  for (let line = 1; line <= recordsPerBatch; line++) {
    text += `{"key":"user-${(batch * recordsPerBatch + line) % 1000}","id":"${runId}-${batch}-${line}","pad":"${pad}"}\n`;
  }
  return Buffer.from(text);
}

/** One POST with `Expect: 100-continue`: the body goes only once the server says it takes it. */
function post(payload) {
  return new Promise((resolve, reject) => {
    let answered = false;
    const headers = { 'Content-Type': 'application/x-ndjson', 'Content-Length': payload.length, Expect: '100-continue' };
    const req = http.request(url, { method: 'POST', agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        answered = true;
        resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        // Refused before the body was sent: this connection cannot carry another request.
        if (!req.writableEnded) req.destroy();
      });
      res.on('error', reject);
    });
    req.on('continue', () => req.end(payload));
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
  });
}

const sleep = (ms) => Promise.race([new Promise((r) => setTimeout(r, ms)), stopped]);

async function runBatch(batch) {
  const payload = body(batch);
  for (;;) {
    let res;
    try {
      res = await post(payload);
    } catch (err) {
      totals.errors++;
      console.error(`loadgen: batch ${batch}: ${err.message}`);
      return;
    }
    if (res.status === 503) {
      totals.rejected++;
      if (stopping) {
        totals.abandoned += recordsPerBatch;
        return;
      }
      await sleep(1000 * (Number(res.headers['retry-after']) || 1));
      if (stopping) {
        totals.abandoned += recordsPerBatch;
        return;
      }
      continue;
    }
    if (res.status !== 200) {
      totals.errors++;
      console.error(`loadgen: batch ${batch}: HTTP ${res.status} ${res.text.trim()}`);
      return;
    }
    const result = JSON.parse(res.text);
    totals.answered++;
    totals.acked += result.acked;
    totals.failed += result.failed;
    return;
  }
}

const running = new Set();
const starter = setInterval(() => {
  if (outstanding >= maxOutstanding) return;
  const batch = ++totals.batches;
  outstanding++;
  const p = runBatch(batch).finally(() => {
    outstanding--;
    running.delete(p);
  });
  running.add(p);
}, 1000 / rate);
const progress = setInterval(() => console.error(JSON.stringify({ progress: true, outstanding, ...totals })), 1000);

async function stop(why) {
  if (stopping) return;
  stopping = true;
  clearInterval(starter);
  wakeSleepers();
  console.error(`loadgen: ${why}: finishing ${outstanding} batches in progress`);
  while (running.size > 0) await Promise.allSettled([...running]);
  clearInterval(progress);
  agent.destroy();
  console.log(JSON.stringify({ summary: true, ...totals }));
}

process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
if (durationS > 0) setTimeout(() => void stop(`${durationS} s over`), durationS * 1000);
