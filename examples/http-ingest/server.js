'use strict';
// HTTP ingestion with backpressure: POST ndjson to /records, one shared producer behind it.
//
//   KAFKA_BROKERS=localhost:9092 TOPIC=ingest PORT=8080 node examples/http-ingest/server.js
//   curl --data-binary @events.ndjson http://127.0.0.1:8080/records
//     → 200 {"received":2,"acked":2,"failed":0,"failures":[]}
//
// Backpressure, in two parts (README.md says why):
// - admission: while the producer's buffer is full (records wait for memory, or less than a
//   quarter of bufferMemory is free) a new request is answered 503 with Retry-After at once; with
//   `Expect: 100-continue` before its body is even sent, otherwise its body is discarded unread;
// - an admitted request's body is a pulled source: produce() reads its next line only while it has
//   room, so a request admitted just before the buffer filled waits in the socket, not in memory.
// Memory is thus bufferMemory plus, per admitted request (at most MAX_REQUESTS), one socket chunk
// and one partial line.
//
// SIGTERM (or SIGINT): stop accepting, let in-flight requests finish (their records acked or
// failed and answered), close the producer, print a summary line on stdout, exit 0. A second
// signal exits at once.

// In your own project: require('rxkafka'). Here the build of this repository (npm run build).
const { createProducer, toPrometheus } = require('../../dist/operators');
const { createServer } = require('node:http');
const { envInt } = require('./env');
const { ingest } = require('./ingest');

const PROGRAM = 'http-ingest';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) {
  console.error('http-ingest: set KAFKA_BROKERS to your Kafka bootstrap list, e.g. KAFKA_BROKERS=localhost:9092 ' +
    '(or run `npm run example:http`, which starts a local cluster)');
  process.exit(2);
}
const topic = process.env.TOPIC || 'ingest';
const host = process.env.HOST || '127.0.0.1';
const port = envInt(PROGRAM, 'PORT', 8080);
const bufferMemory = envInt(PROGRAM, 'BUFFER_MEMORY', 32 * 1024 * 1024);
const retryAfterS = envInt(PROGRAM, 'RETRY_AFTER_S', 1);
const maxRequests = envInt(PROGRAM, 'MAX_REQUESTS', 64);
const shutdownTimeoutMs = envInt(PROGRAM, 'SHUTDOWN_TIMEOUT_MS', 30_000);
if (maxRequests < 1) {
  console.error('http-ingest: MAX_REQUESTS must be at least 1: it is how many requests may be in progress at once');
  process.exit(2);
}

// stopOnError: false — a failed record is reported on its line, it does not end the request.
const producer = createProducer({ brokers, topic, bufferMemory, stopOnError: false, clientId: 'http-ingest' });

// What admission reads: kept current by the producer's own streams, never polled.
let producerReady = true;
let bufferFree = bufferMemory;
producer.ready$.subscribe((ready) => (producerReady = ready));
producer.bufferAvailable$.subscribe((free) => (bufferFree = free));

const totals = { requests: 0, rejected: 0, acked: 0, failed: 0 };
let active = 0; // admitted requests not yet answered
let shuttingDown = false;

function reply(res, status, body, headers = {}) {
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Why a new request cannot be taken now, or null. */
function refusal() {
  if (shuttingDown) return 'shutting down';
  if (active >= maxRequests) return `MAX_REQUESTS (${maxRequests}) requests in progress`;
  if (!producerReady || bufferFree < bufferMemory / 4) return 'producer buffer full';
  return null;
}

/**
 * Answers 503 if the request cannot be taken now. A client that sent `Expect: 100-continue` has
 * not sent its body yet and will not: the connection is closed after the answer. Any other
 * client's body is read and discarded chunk by chunk by Node (keep-alive), never stored.
 */
function refused(res, expectsContinue) {
  const why = refusal();
  if (why === null) return false;
  totals.rejected++;
  const headers = { 'Retry-After': String(retryAfterS) };
  if (expectsContinue || shuttingDown) headers.Connection = 'close';
  reply(res, 503, { error: why, retryAfterSeconds: retryAfterS }, headers);
  return true;
}

async function onRecords(req, res) {
  active++;
  totals.requests++;
  try {
    const result = await ingest(producer, req);
    totals.acked += result.acked;
    totals.failed += result.failed;
    reply(res, 200, result, shuttingDown ? { Connection: 'close' } : {});
  } catch (err) {
    // The body broke off (client gone): what was read is acked or failed, nobody to tell.
    console.error(`http-ingest: request body failed: ${err.message}`);
    if (!res.headersSent) reply(res, 400, { error: `request body failed: ${err.message}` });
  } finally {
    active--;
  }
}

function route(req, res, expectsContinue) {
  if (req.url === '/records' && req.method === 'POST') {
    if (refused(res, expectsContinue)) return;
    if (expectsContinue) res.writeContinue();
    void onRecords(req, res);
  } else if (req.url === '/metrics' && req.method === 'GET') {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(toPrometheus(producer.metrics(), { labels: { service: 'http-ingest' } }));
  } else {
    reply(res, 404, { error: 'POST ndjson to /records, or GET /metrics' }, expectsContinue ? { Connection: 'close' } : {});
  }
}

const server = createServer((req, res) => route(req, res, false));
// Expect: 100-continue — admission is decided before the client sends the body.
server.on('checkContinue', (req, res) => route(req, res, true));

server.listen(port, host, () => {
  const { port: bound } = server.address();
  console.log(`listening on http://${host}:${bound}/records (topic ${topic}, bufferMemory ${bufferMemory})`);
});

async function shutdown(signal) {
  if (shuttingDown) {
    console.error(`http-ingest: second ${signal}, exiting now`);
    console.log(JSON.stringify({ ...totals, clean: false }));
    process.exit(1);
  }
  shuttingDown = true;
  console.error(`http-ingest: ${signal}: no new requests; finishing ${active} in progress`);
  // close() stops listening and ends idle keep-alive connections; the callback runs once every
  // connection is gone, i.e. every admitted request is answered.
  const drained = new Promise((resolve) => server.close(resolve));
  const timer = setTimeout(() => {
    console.error(`http-ingest: requests still open after ${shutdownTimeoutMs} ms: failing their records`);
    void producer.close(0);
    server.closeAllConnections(); // a client that never finishes its body is cut off
  }, shutdownTimeoutMs);
  await drained;
  clearTimeout(timer);
  await producer.close();
  console.log(JSON.stringify({ ...totals, clean: true }));
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
