'use strict';
// Issue 4's latency benchmark: each client produces 1000 B keyless records at one fixed, moderate
// rate (acks=1, and acks=all with idempotence), and each record's ack latency is measured — from
// the moment the shared pacer released it to the client to the moment its ack (delivery report)
// arrived. Rounds, rotation and fresh mock clusters as bench.js (lib/rounds.js). A run counts only
// if the broker's end offsets show exactly the records sent and the rate achieved is within
// TOLERANCE of the target. Medians of the counted runs go to results/<date>-latency.md (.json).
//
//   npm run bench -- --latency                  (from the root: installs, builds, runs this)
//   node benchmarks/latency.js [--rate R] [--seconds S] [--warmup W] [--rounds N]
//                              [--clients a,b] [--workloads id,id] [--scratch]
//
// kcat is not among the clients: it cannot report a record's latency (README.md says why); nor are
// the Java producer and franz-go, whose drivers have no paced mode.
const fs = require('node:fs');
const path = require('node:path');
const { NODE_PEERS, labels: clientLabels } = require('./lib/clients');
const { latencyWorkloads } = require('./lib/workloads');
const { parseArgs, COMMON_SPEC } = require('./lib/args');
const { runRounds } = require('./lib/rounds');
const { summarizeLatency, ms } = require('./lib/stats');
const { latencyMarkdown } = require('./lib/latencyMarkdown');
const { resultsDir, commandLine, BROKER, machine } = require('./lib/output');

const CLIENTS = ['rxkafka', ...NODE_PEERS];
/** How far the achieved rate may be from the target for a run to count. */
const TOLERANCE = 0.03;

const SPEC = {
  '--latency': ['latency', 'flag'],
  '--rate': ['rate', 'count'],
  '--seconds': ['seconds', 'number'],
  '--warmup': ['warmupSeconds', 'number'],
  ...COMMON_SPEC,
};

/** Why a run the broker counted does not count here, or null. */
function refuse(result, w) {
  if (!result.latencyMs) return 'no record was measured';
  const off = result.recordsPerSec / w.rate - 1;
  if (Math.abs(off) <= TOLERANCE) return null;
  return `achieved ${result.recordsPerSec} records/s, ${(off * 100).toFixed(1)} % off the target ${w.rate}`;
}

async function main() {
  const argv = process.argv.slice(2);
  const opts = parseArgs(argv, SPEC, { rate: 10_000, seconds: 10, warmupSeconds: 1, rounds: 3, clients: CLIENTS, workloads: null, scratch: false });
  if (!(opts.seconds > 0)) throw new Error('--seconds must be more than 0');
  const unsupported = opts.clients.filter((c) => !CLIENTS.includes(c));
  if (unsupported.length) throw new Error(`no latency mode for ${unsupported.join(', ')} (the paced mode is the Node drivers'; kcat reports no per-record ack time; see benchmarks/README.md)`);
  const all = latencyWorkloads(opts);
  const workloads = all.filter((w) => !opts.workloads || opts.workloads.includes(w.id));
  if (workloads.length === 0) throw new Error(`no workload matches; ids: ${all.map((w) => w.id).join(', ')}`);
  const clients = CLIENTS.filter((c) => opts.clients.includes(c));
  const labels = clientLabels();
  const { runs, failures, seconds } = await runRounds({
    rounds: opts.rounds,
    workloads,
    clients,
    check: refuse,
    describe: ({ latencyMs: l, recordsPerSec }) =>
      `p50 ${ms(l.p50)}  p99 ${ms(l.p99)}  max ${ms(l.max)} ms, ${recordsPerSec.toLocaleString('en-US')} records/s`,
  });
  const summary = {};
  for (const w of workloads) summary[w.id] = Object.fromEntries(clients.map((c) => [c, summarizeLatency(runs.mock[w.id][c])]));

  const date = new Date().toISOString().slice(0, 10);
  const dir = resultsDir(opts.scratch);
  const command = commandLine(argv.filter((a) => a !== '--latency'), ['--latency']);
  const setup = [
    `${opts.rate.toLocaleString('en-US')} records/s of 1000 B for ${opts.warmupSeconds} s of warm-up (produced, not measured) + ${opts.seconds} s measured,`,
    `released in bursts every 10 ms by one pacer shared by every client; latency = ack (delivery report) time − release time of each record.`,
    `${opts.rounds} round(s), interleaved; median over the runs that counted of each run's percentile (a run counts only if the broker's end offsets`,
    `show exactly the records sent and the rate achieved is within ${TOLERANCE * 100} % of the target). ${BROKER}`,
    machine(),
    `Each client's settings and why are in the comment at the top of benchmarks/clients/<client>.js; the method is in benchmarks/README.md. Took ${seconds} s.`,
  ].join(' ');
  const md = latencyMarkdown({ date, command, setup, clients, labels, workloads, summary, failures });
  fs.writeFileSync(path.join(dir, `${date}-latency.md`), md);
  fs.writeFileSync(path.join(dir, `${date}-latency.json`), JSON.stringify({ date, command, opts, labels, workloads, runs: runs.mock }, null, 1) + '\n');
  process.stdout.write(md);
  process.stderr.write(`\nwrote ${path.relative(process.cwd(), path.join(dir, `${date}-latency.md`))} (.json)\n`);
}

main().catch((err) => {
  process.stderr.write(`latency: ${err.stack || err}\n`);
  process.exit(1);
});
