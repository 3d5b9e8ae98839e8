'use strict';
// What bench.js and latency.js both write: where results go, the command that made them, and the
// run's setting (broker, machine) for the table's header.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** results/, or results/scratch/ (git-ignored) with --scratch; created if missing. */
function resultsDir(scratch) {
  const dir = path.join(__dirname, '..', 'results', scratch ? 'scratch' : '');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The npm command that reproduces this run (`prefix` is `--latency` or nothing), --scratch left out. */
function commandLine(argv, prefix = []) {
  const args = [...prefix, ...argv.filter((a) => a !== '--scratch')];
  return `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
}

const BROKER =
  "Broker: librdkafka 2.12's mock cluster (3 brokers, topic of 6 partitions, replication 3), fresh for every run, on the same machine; no compression.";

function machine() {
  const cpus = os.cpus();
  return `Node ${process.version}, ${cpus.length} × ${cpus[0] ? cpus[0].model.trim() : '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB.`;
}

module.exports = { resultsDir, commandLine, BROKER, machine };
