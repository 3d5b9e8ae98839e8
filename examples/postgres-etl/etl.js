'use strict';
/**
 * PostgreSQL → Kafka, at least once, resumable: copies a table's rows after the saved checkpoint
 * to a topic, each record keyed by the row's key column, and moves the checkpoint only past rows
 * that Kafka acked together with every row before them. See README.md beside this file.
 *
 *   KAFKA_BROKERS=localhost:9092 DATABASE_URL=postgresql://etl@localhost/shop ETL_TABLE=customers \
 *     node examples/postgres-etl/etl.js
 *
 * stdout, one line per event (the test reads them):
 *   start run=<id> job=<job> after=<checkpoint>
 *   checkpoint <position> acked=<records acked this run>
 *   done rows=<records sent this run> checkpoint=<position>
 * Exit 0 once every row is acked and checkpointed; 1 on an error (stderr says which), with the
 * checkpoint left at the last position acked without a gap; 130/143 after SIGINT/SIGTERM once what
 * was read is acked and checkpointed.
 */
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
// In your project: require('rxkafka'). Here: this repository's build (npm run build).
const { createProducer, RecordError } = require('../../dist/operators');
const { AckedPrefix } = require('./ackedPrefix');
const { CheckpointWriter, loadCheckpoint } = require('./checkpoint');
const { rowsAfter } = require('./rows');

/** The checkpoint of a job that never had a row acked: every row is after it. */
const NOTHING = Number.MIN_SAFE_INTEGER;
const positionText = (position) => (position === NOTHING ? 'nothing' : String(position));

/** The job's settings from the environment; throws naming what is missing or wrong. */
function settingsFromEnv(env) {
  const problems = [];
  if (!env.KAFKA_BROKERS) problems.push('KAFKA_BROKERS (host:port[,host:port…]) is not set');
  if (!env.DATABASE_URL && !env.PGHOST) problems.push('neither DATABASE_URL (postgresql://user@host:port/db) nor PGHOST (with PGPORT, PGUSER, PGDATABASE, PGPASSWORD) is set');
  const positive = (name, fallback) => {
    if (env[name] === undefined || env[name] === '') return fallback;
    const n = Number(env[name]);
    if (!Number.isInteger(n) || n <= 0) problems.push(`${name}=${env[name]} is not a positive integer`);
    return n;
  };
  let producerOptions = {};
  if (env.ETL_PRODUCER) {
    try {
      producerOptions = JSON.parse(env.ETL_PRODUCER);
      if (producerOptions === null || typeof producerOptions !== 'object' || Array.isArray(producerOptions)) throw new Error('not an object');
    } catch (err) {
      problems.push(`ETL_PRODUCER is not a JSON object of producer options (${err.message}), e.g. '{"lingerMs":20,"compression":"lz4"}'`);
    }
  }
  const table = env.ETL_TABLE || 'customers';
  const topic = env.ETL_TOPIC || table;
  const settings = {
    brokers: env.KAFKA_BROKERS,
    database: env.DATABASE_URL ? { connectionString: env.DATABASE_URL } : {}, // {}: pg reads the PG* variables
    table,
    keyColumn: env.ETL_KEY_COLUMN || 'id',
    topic,
    job: env.ETL_JOB || `${table}->${topic}`,
    fetchRows: positive('ETL_FETCH_ROWS', 1000),
    checkpointEvery: positive('ETL_CHECKPOINT_EVERY', 10_000),
    producerOptions,
  };
  if (problems.length > 0) throw new Error(`cannot start the ETL job:\n  ${problems.join('\n  ')}\n(see examples/postgres-etl/README.md)`);
  return settings;
}

/**
 * Runs the job to the end of the table (or to a stop signal). Resolves with the exit code; rejects
 * only when it could not start (no database, bad settings).
 */
async function runJob(settings, log = (line) => process.stdout.write(`${line}\n`)) {
  // First, so that a bad producer option is reported before anything connects.
  const producer = createProducer({ ...settings.producerOptions, brokers: settings.brokers, topic: settings.topic });
  const reader = new Client(settings.database);
  const writer = new Client(settings.database);
  let start;
  try {
    await reader.connect();
    await writer.connect();
    start = await loadCheckpoint(writer, settings.job, NOTHING);
  } catch (err) {
    await Promise.allSettled([producer.close(0), reader.end(), writer.end()]);
    throw err;
  }
  const runId = randomBytes(4).toString('hex');
  log(`start run=${runId} job=${settings.job} after=${positionText(start)}`);

  /** Records acked this run, and that count when the checkpoint was last asked to move. */
  let acked = 0;
  let ackedAtLastSave = 0;
  const prefix = new AckedPrefix(start);
  const checkpoint = new CheckpointWriter(writer, settings.job, start, (position) => log(`checkpoint ${position} acked=${acked}`));
  // Every record of this run carries the run's id: a reader can tell which run wrote a duplicate.
  const headers = { 'etl-run': runId };
  let stopSignal = null;
  const onSignal = (signal) => {
    if (stopSignal !== null) process.exit(signal === 'SIGINT' ? 130 : 143); // a second signal: at once
    stopSignal = signal;
    process.stderr.write(`${signal}: no more rows are read; waiting for the acks of the rows already read\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // A failed checkpoint write stops the reading too: rows sent past a checkpoint that cannot move
  // would all be sent again on restart.
  const stopping = () => stopSignal !== null || checkpoint.failure !== null;
  async function* records() {
    for await (const row of rowsAfter(reader, { table: settings.table, keyColumn: settings.keyColumn, after: start, fetchRows: settings.fetchRows, stopping })) {
      prefix.read(row.position);
      yield { key: String(row.position), value: row.json, headers, meta: row.position };
    }
  }

  let failure = null;
  await new Promise((resolve) => {
    // stopOnError (the default): the first record that cannot be delivered ends the stream once
    // the records sent before it have settled; their acks still move the checkpoint.
    producer.produce(records()).subscribe({
      next: (ack) => {
        acked++;
        const position = prefix.acked(ack.meta);
        if (acked - ackedAtLastSave >= settings.checkpointEvery && position > checkpoint.wanted) {
          ackedAtLastSave = acked;
          checkpoint.save(position);
        }
      },
      error: (err) => {
        failure = err;
        resolve();
      },
      complete: resolve,
    });
  });
  // What was acked without a gap is safe whatever happened after it.
  checkpoint.save(prefix.position);
  try {
    await checkpoint.settled();
  } catch (err) {
    failure ??= err;
  }
  await producer.close(failure === null ? undefined : 0);
  await Promise.allSettled([reader.end(), writer.end()]);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);

  if (failure !== null) {
    const row = failure instanceof RecordError ? ` at row ${failure.record.meta}` : '';
    process.stderr.write(`the ETL job stopped${row}: ${failure.message}\n`);
    process.stderr.write(
      checkpoint.saved === NOTHING
        ? 'no checkpoint yet: run the job again to start from the first row\n'
        : `checkpoint left at ${checkpoint.saved} (every row up to it is in Kafka): run the job again to resume after it\n`,
    );
    return 1;
  }
  log(`done rows=${acked} checkpoint=${positionText(prefix.position)}`);
  if (stopSignal !== null) return stopSignal === 'SIGINT' ? 130 : 143;
  return 0;
}

module.exports = { runJob, settingsFromEnv };

if (require.main === module) {
  let settings;
  try {
    settings = settingsFromEnv(process.env);
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  runJob(settings).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`the ETL job could not start: ${err.message}\n`);
      process.exit(1);
    },
  );
}
