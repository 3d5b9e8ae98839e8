'use strict';
/**
 * `npm run example:etl`: the ETL job end to end on this machine. With KAFKA_BROKERS and
 * DATABASE_URL (or PGHOST) set, it runs the job against them and nothing else (etl.js). Without,
 * it starts what is missing — a throwaway PostgreSQL (Debian's package) and a one-node Apache Kafka
 * (the test suite's, from the jars test/kafka/setup.sh fetched) — fills a table `customers` with
 * ETL_DEMO_ROWS rows (default 100000), then:
 *   1. runs the job and stops it with SIGTERM after its second checkpoint (it finishes what it read);
 *   2. runs it again: it resumes after the checkpoint and copies the rest;
 *   3. runs it once more: nothing left, it copies nothing;
 * and stops everything it started, on every exit path.
 */
const { execFileSync, spawn } = require('node:child_process');
const path = require('node:path');
const { Client } = require('pg');
const { startPostgres } = require('./localPostgres');

const ETL = path.join(__dirname, 'etl.js');

/** Runs etl.js with `env`, echoing its output; with `stopAfter`, SIGTERM after that many checkpoints. */
function runEtl(env, stopAfter) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ETL], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let checkpoints = 0;
    let last = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk.replace(/^(?=.)/gm, '  etl | '));
      const lines = (last + chunk).split('\n');
      last = lines.pop();
      for (const line of lines) if (line.startsWith('checkpoint ') && ++checkpoints === stopAfter) child.kill('SIGTERM');
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
}

async function fillTable(url, rows) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, email text NOT NULL, balance numeric(12,2) NOT NULL)');
    await client.query(
      `INSERT INTO customers SELECT g, 'customer ' || g, 'c' || g || '@example.com', (g % 10000) / 100.0 FROM generate_series(1, $1) g`,
      [rows],
    );
  } finally {
    await client.end();
  }
}

// Ctrl-C reaches the job too (same process group), which finishes what it read and exits; then
// the demo skips its remaining steps and stops what it started.
let interrupted = false;
process.on('SIGINT', () => (interrupted = true));

async function main() {
  const env = { ...process.env };
  if (env.KAFKA_BROKERS && (env.DATABASE_URL || env.PGHOST)) {
    console.log(`KAFKA_BROKERS and ${env.DATABASE_URL ? 'DATABASE_URL' : 'PGHOST'} are set: running the job against them`);
    const code = await runEtl(env, 0);
    process.exitCode = typeof code === 'number' ? code : 1;
    return;
  }
  const rows = Number(env.ETL_DEMO_ROWS || 100_000);
  const stops = [];
  try {
    if (!env.DATABASE_URL && !env.PGHOST) {
      const pg = await startPostgres();
      stops.push(() => pg.stop());
      env.DATABASE_URL = pg.url;
      console.log(`PostgreSQL started at ${pg.url}; table customers: ${rows} rows`);
      await fillTable(pg.url, rows);
    }
    if (!env.KAFKA_BROKERS) {
      // The test suite's launcher (TypeScript, run as it is through the project's compiler).
      execFileSync('bash', [path.join(__dirname, '..', '..', 'test', 'kafka', 'setup.sh')], { stdio: 'inherit' });
      require('../../test/soak/register.js');
      const { KafkaCluster } = require('../../test/support/KafkaCluster.ts');
      const kafka = await KafkaCluster.start({ nodes: 1 });
      stops.push(() => kafka.stop());
      await kafka.createTopic(env.ETL_TOPIC || 'customers', 6);
      env.KAFKA_BROKERS = kafka.bootstrap;
      console.log(`Apache Kafka ${kafka.version} started at ${kafka.bootstrap}; topic ${env.ETL_TOPIC || 'customers'}: 6 partitions`);
    }
    env.ETL_CHECKPOINT_EVERY ||= String(Math.max(1, Math.floor(rows / 10)));
    const steps = [
      ['1. the job, stopped by SIGTERM after its second checkpoint (it finishes what it had read):', 2, 143],
      ['2. the job again: it resumes after the checkpoint:', 0, 0],
      ['3. once more: nothing is left to copy:', 0, 0],
    ];
    for (const [title, stopAfter, expected] of steps) {
      if (interrupted) break;
      console.log(title);
      const code = await runEtl(env, stopAfter);
      console.log(`   exit ${code}`);
      if (code !== expected) process.exitCode = 1;
    }
    if (interrupted) process.exitCode = 130;
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
