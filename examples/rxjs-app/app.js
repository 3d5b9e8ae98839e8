'use strict';
// A hot source into Kafka with RxJS: sensor readings pushed by an EventEmitter, `pipe(toKafka())`
// with bufferPolicy 'drop-newest', a live line on stderr: counts and latency from the acks, free
// buffer and request latency from the operator's producer (toKafka's onProducer).
//
//   KAFKA_BROKERS=localhost:9092 TOPIC=readings RATE=5000 node examples/rxjs-app/app.js
//
// An EventEmitter cannot be paused: when bufferMemory is full (the brokers slower than the
// sensors, or gone), a reading is dropped at once and its ack says so (RecordDroppedError) instead
// of queueing without bound. Ctrl-C (SIGINT) or SIGTERM: the source stops (takeUntil), toKafka
// sends what it holds and completes once every reading has its ack, a summary line (JSON) goes to
// stdout, exit 0. A second signal exits at once (1).

// In your own project: require('rxkafka'). Here the build of this repository (npm run build).
const { RecordDroppedError, serializers, toKafka } = require('../../dist/operators');
const { EventEmitter } = require('node:events');
const { fromEvent, map, Subject, takeUntil } = require('rxjs');
const { LiveLine } = require('./liveLine');

function envInt(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`rxjs-app: ${name} must be a non-negative integer, got '${text}'`);
    process.exit(2);
  }
  return n;
}

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) {
  console.error('rxjs-app: set KAFKA_BROKERS to your Kafka bootstrap list, e.g. KAFKA_BROKERS=localhost:9092 ' +
    '(or run `npm run example:rxjs`, which starts a local cluster)');
  process.exit(2);
}
const topic = process.env.TOPIC || 'readings';
const rate = Math.max(1, envInt('RATE', 5000)); // readings per second, over all sensors
const sensorCount = Math.max(1, envInt('SENSORS', 50));
const bufferMemory = envInt('BUFFER_MEMORY', 32 * 1024 * 1024);
const durationS = envInt('DURATION_S', 0); // 0: until a signal

// The hot source: every 10 ms the sensors push what they read since the last tick.
const sensors = new EventEmitter();
let emitted = 0;
let owed = 0;
const ticker = setInterval(() => {
  owed += rate / 100;
  for (; owed >= 1; owed--) {
    const seq = ++emitted;
    sensors.emit('reading', { sensor: `sensor-${seq % sensorCount}`, seq, at: Date.now(), celsius: 20 + 5 * Math.sin(seq / 1000) });
  }
}, 10);

const shutdown$ = new Subject();
const line = new LiveLine(process.stderr);
let producer = null; // the operator's own producer, for its metrics (toKafka's onProducer)

fromEvent(sensors, 'reading')
  .pipe(
    takeUntil(shutdown$),
    // meta rides with the record and comes back on its ack: here, when the sensor read it.
    map((r) => ({ key: r.sensor, value: r, meta: r.at })),
    toKafka(
      { brokers, topic, bufferMemory, bufferPolicy: 'drop-newest', stopOnError: false, serializers: { value: serializers.json }, metricsIntervalMs: 1000 },
      { onProducer: (p) => (producer = p) },
    ),
  )
  .subscribe({
    next: (ack) => {
      if (ack.error === undefined) line.acked(Date.now() - ack.meta);
      else if (ack.error instanceof RecordDroppedError) line.dropped();
      else line.failed(ack.error);
    },
    error: (err) => {
      // Not a record's failure (those are acks with stopOnError: false): the stream itself broke.
      console.error(`rxjs-app: ${err.message}`);
      finish(1);
    },
    complete: () => finish(0),
  });

const progress = setInterval(() => line.print(emitted, producer?.metrics()), 1000);

function finish(code) {
  clearInterval(ticker);
  clearInterval(progress);
  line.print(emitted, producer?.metrics(), true);
  console.log(JSON.stringify({ summary: true, emitted, ...line.totals() }));
  process.exitCode = code;
}

let stopping = false;
function stop(why) {
  if (stopping) {
    console.error(`rxjs-app: second ${why}, exiting now`);
    console.log(JSON.stringify({ summary: true, emitted, ...line.totals(), clean: false }));
    process.exit(1);
  }
  stopping = true;
  clearInterval(ticker); // the sensors stop: nothing more is emitted
  if (process.stderr.isTTY) process.stderr.write('\n'); // below the live line
  console.error(`rxjs-app: ${why}: sending what is held, then exiting`);
  shutdown$.next();
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
if (durationS > 0) setTimeout(() => stop(`${durationS} s over`), durationS * 1000).unref();
