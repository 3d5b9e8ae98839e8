'use strict';
// Issue 4's side-by-side producer benchmark. For each round, each workload, each client (the
// client order rotates every round, so no client always runs first or last): a fresh 3-broker mock
// cluster, a 6-partition topic, the client's driver in its own process, and the broker's end
// offsets checked — a run counts only if they show exactly N records. Medians of the counted runs
// go to results/<date>.md and results/<date>.svg, and the table is printed.
//
//   npm run bench                               (from the root: installs, builds, runs this)
//   node benchmarks/bench.js [--records N] [--rounds R] [--clients a,b] [--workloads id,id] [--scratch]
//
// --scratch writes to results/scratch/ (git-ignored) instead of results/.
const fs = require('node:fs');
const path = require('node:path');
const { ALL, labels: clientLabels } = require('./lib/clients');
const { workloads: allWorkloads } = require('./lib/workloads');
const { parseArgs, COMMON_SPEC } = require('./lib/args');
const { runRounds } = require('./lib/rounds');
const { summarize, rate, mb } = require('./lib/stats');
const { markdown } = require('./lib/markdown');
const { chart } = require('./lib/chart');
const { resultsDir, commandLine, BROKER, machine } = require('./lib/output');

const SPEC = { '--records': ['records', 'count'], ...COMMON_SPEC };

async function main() {
  const argv = process.argv.slice(2);
  const opts = parseArgs(argv, SPEC, { records: 500_000, rounds: 3, clients: ALL, workloads: null, scratch: false });
  const workloads = allWorkloads(opts.records).filter((w) => !opts.workloads || opts.workloads.includes(w.id));
  if (workloads.length === 0) throw new Error(`no workload matches; ids: ${allWorkloads(1).map((w) => w.id).join(', ')}`);
  const clients = ALL.filter((c) => opts.clients.includes(c));
  const labels = clientLabels();
  const { runs, failures, seconds } = await runRounds({
    rounds: opts.rounds,
    workloads,
    clients,
    describe: (result) => `${rate(result.recordsPerSec)}/s, ${mb(result.peakRssBytes)} MB`,
  });
  const summary = {};
  for (const w of workloads) summary[w.id] = Object.fromEntries(clients.map((c) => [c, summarize(runs[w.id][c])]));

  const date = new Date().toISOString().slice(0, 10);
  const dir = resultsDir(opts.scratch);
  const command = commandLine(argv);
  const setup = [
    `N = ${opts.records.toLocaleString('en-US')} records per run, ${opts.rounds} round(s), interleaved; median of the runs that counted`,
    `(a run counts only if the broker's end offsets show exactly N records). ${BROKER}`,
    machine(),
    `Each client's settings and why are in the comment at the top of benchmarks/clients/<client>.js. Took ${seconds} s.`,
  ].join(' ');
  const md = markdown({ date, command, setup, clients, labels, workloads, summary, failures, chartFile: `${date}.svg` });
  fs.writeFileSync(path.join(dir, `${date}.md`), md);
  fs.writeFileSync(path.join(dir, `${date}.svg`), chart({ title: `Kafka producers on Node.js, ${date} (${command})`, workloads, clients, labels, summary }));
  fs.writeFileSync(path.join(dir, `${date}.json`), JSON.stringify({ date, command, opts, labels, workloads, runs }, null, 1) + '\n');
  process.stdout.write(md);
  process.stderr.write(`\nwrote ${path.relative(process.cwd(), path.join(dir, `${date}.md`))} (.svg, .json)\n`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err.stack || err}\n`);
  process.exit(1);
});
