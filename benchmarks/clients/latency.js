'use strict';
// The paced latency mode the Node drivers share (benchmarks/latency.js runs it): records released
// at a fixed rate by one pacer, the latency of each record from its release to its ack, and the
// one JSON result line. Every driver uses these, so pacing, clock and percentiles are the same for
// every client; only the hand-off and the ack differ, and those are in each driver.
//
// Latency = ack time − release time, on the monotonic clock (performance.now(), the clock under
// process.hrtime, as a double: no BigInt or array per reading). A burst's records are released
// together and handed to the client in the same synchronous loop, so the release time is also the
// hand-off time, except where a client takes one send at a time (KafkaJS and @platformatic/kafka
// with idempotence): what is released while a send is in flight waits for the next send, and that
// wait counts, because it is the client's (see sendBursts).
const { peakRssBytes } = require('./common');

const now = () => performance.now();

/** Pacing, as `rxkafka perf --throughput` (src/cli/perfPacing.ts): a wait is never shorter than QUANTUM_MS, so what falls due meanwhile goes as one burst. */
const QUANTUM_MS = 10;
/** Lateness forgotten past this (the token bucket's capacity), so a stall is not followed by an unbounded catch-up burst. */
const BURST_MS = 100;

/**
 * Releases w.records records at w.rate records/s from `startMs` (now, or just before): a token
 * bucket with a due time per record on a fixed schedule (so timer lateness does not add up),
 * checked once per wait. `release(count, releasedMs)` hands `count` records to the client.
 * Resolves when the last is released.
 */
function pace(w, startMs, release) {
  if (w.keyed) throw new Error('the latency mode produces keyless records only');
  const intervalMs = 1000 / w.rate;
  let nextDueMs = startMs;
  let released = 0;
  return new Promise((resolve, reject) => {
    const tick = () => {
      try {
        const t = now();
        if (t - nextDueMs > BURST_MS) nextDueMs = t - BURST_MS;
        if (nextDueMs <= t) {
          const count = Math.min(w.records - released, Math.floor((t - nextDueMs) / intervalMs) + 1);
          nextDueMs += count * intervalMs;
          released += count;
          release(count, t);
        }
        if (released === w.records) resolve();
        else setTimeout(tick, Math.max(nextDueMs - now(), QUANTUM_MS));
      } catch (err) {
        reject(err);
      }
    };
    tick();
  });
}

/**
 * Latencies of the records released at or after `fromMs` (the end of the warm-up), exact: one
 * preallocated Float64Array slot per record, sorted once at the end.
 */
class Latencies {
  constructor(w) {
    /** The run's start: the pacer's first due time, and the start of the achieved rate's clock. */
    this.startMs = now();
    /** One latency in ms per measured ack, in arrival order; [0, count) filled. */
    this.values = new Float64Array(w.records);
    this.count = 0;
    /** Records released before this are warm-up: acked and stored, not measured. */
    this.fromMs = this.startMs + w.warmupMs;
    /** Acks seen, measured or not, and the time of the last. */
    this.acked = 0;
    this.lastAckMs = this.startMs;
  }

  /** `n` records released at `releasedMs` were acked now. */
  ack(releasedMs, n = 1) {
    const t = now();
    this.acked += n;
    this.lastAckMs = t;
    if (releasedMs < this.fromMs) return;
    const ms = t - releasedMs;
    for (let i = 0; i < n; i++) this.values[this.count++] = ms;
  }

  /** avg, p50, p95, p99 (nearest rank) and max, in ms rounded to the µs. */
  summary() {
    const n = this.count;
    if (n === 0) return null;
    const sorted = this.values.subarray(0, n).sort();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sorted[i];
    const at = (p) => sorted[Math.max(1, Math.ceil((p / 100) * n)) - 1];
    const us = (ms) => Math.round(ms * 1000) / 1000;
    return { avg: us(sum / n), p50: us(at(50)), p95: us(at(95)), p99: us(at(99)), max: us(sorted[n - 1]) };
  }
}

/**
 * For the clients whose unit is a send() of many records (KafkaJS, @platformatic/kafka): each
 * burst is one send, or — with `oneAtATime` — bursts released while a send is in flight wait and go
 * together in the next one, as a user of a client that allows one idempotent send at a time must do.
 * `send(messages)` returns the client's promise. `release(messages, releasedMs)` goes in pace's
 * callback; `drained()` resolves when every released record is acked.
 */
function sendBursts({ send, latencies, oneAtATime }) {
  // Released and not yet sent (oneAtATime only): the messages, and per burst [releasedMs, count].
  let waiting = [];
  let waitingBursts = [];
  let inFlight = 0;
  let failure = null;
  let onIdle = null;
  const sendNow = (messages, bursts) => {
    inFlight++;
    send(messages).then(
      () => {
        for (const [releasedMs, count] of bursts) latencies.ack(releasedMs, count);
        sent();
      },
      (err) => {
        failure ??= err;
        sent();
      },
    );
  };
  const sent = () => {
    inFlight--;
    if (waiting.length > 0 && !failure) {
      const [messages, bursts] = [waiting, waitingBursts];
      waiting = [];
      waitingBursts = [];
      sendNow(messages, bursts);
    } else if (inFlight === 0 && onIdle) onIdle();
  };
  return {
    release(messages, releasedMs) {
      if (failure) throw failure;
      if (oneAtATime && inFlight > 0) {
        for (const m of messages) waiting.push(m);
        waitingBursts.push([releasedMs, messages.length]);
      } else sendNow(messages, [[releasedMs, messages.length]]);
    },
    drained() {
      return new Promise((resolve, reject) => {
        onIdle = () => (failure ? reject(failure) : resolve());
        if (inFlight === 0 && waiting.length === 0) onIdle();
      });
    },
  };
}

/**
 * The whole latency run of a send()-per-burst client: paced bursts of `message()` objects, each
 * handed to `send(messages)` (see sendBursts), then the result line. Resolves when all are acked.
 */
async function pacedSends(w, { send, message, oneAtATime }) {
  const latencies = new Latencies(w);
  const bursts = sendBursts({ send, latencies, oneAtATime });
  await pace(w, latencies.startMs, (count, releasedMs) => {
    const messages = new Array(count);
    for (let i = 0; i < count; i++) messages[i] = message();
    bursts.release(messages, releasedMs);
  });
  await bursts.drained();
  reportLatency(w, latencies);
}

/** Prints the result line latency.js reads: the throughput line's fields plus latencyMs. */
function reportLatency(w, latencies) {
  const seconds = (latencies.lastAckMs - latencies.startMs) / 1000;
  const line = {
    records: latencies.acked,
    seconds,
    recordsPerSec: Math.round(latencies.acked / seconds),
    peakRssBytes: peakRssBytes(),
    measured: latencies.count,
    latencyMs: latencies.summary(),
  };
  process.stdout.write(JSON.stringify(line) + '\n');
  if (latencies.acked !== w.records) process.exitCode = 1;
}

module.exports = { pace, Latencies, pacedSends, reportLatency };
