'use strict';
// Issue 4's side-by-side producer benchmark, on two brokers (issue 10): librdkafka's mock cluster
// (what each client costs: a fresh 3-broker mock per run) and Apache Kafka (what a user sees: a
// 3-node cluster per round, a fresh topic per run). For each round, each broker, each workload,
// each client (the client order rotates every round, so no client always runs first or last): a
// 6-partition topic, the client's driver in its own process, and the broker's end offsets checked —
// a run counts only if they show exactly N records. Medians of the counted runs go to
// results/<date>.md and one chart per broker, results/<date>-<broker>.svg; the table is printed.
//
//   npm run bench                               (from the root: installs, builds, runs this)
//   node benchmarks/bench.js [--records N] [--rounds R] [--broker mock|kafka|both]
//                            [--clients a,b] [--workloads id,id] [--scratch]
//
// --scratch writes to results/scratch/ (git-ignored) instead of results/.
const fs = require('node:fs');
const path = require('node:path');
const { ALL, labels: clientLabels, unsupported } = require('./lib/clients');
const { workloads: allWorkloads } = require('./lib/workloads');
const { parseArgs, COMMON_SPEC } = require('./lib/args');
const { runRounds } = require('./lib/rounds');
const { summarize, rate, mb } = require('./lib/stats');
const { markdown } = require('./lib/markdown');
const { chart } = require('./lib/chart');
const { resultsDir, commandLine, machine } = require('./lib/output');
const { mockBroker } = require('./brokers/mock');

const SPEC = { '--records': ['records', 'count'], '--broker': ['broker', 'list'], ...COMMON_SPEC };
const BROKERS = { mock: ['mock'], kafka: ['kafka'], both: ['mock', 'kafka'] };

/** The brokers named by --broker; Kafka's module (and TypeScript) loads only when asked for. */
function brokersFor(names) {
  if (names.length !== 1 || !BROKERS[names[0]]) throw new Error(`--broker must be mock, kafka or both, got '${names.join(',')}'`);
  return BROKERS[names[0]].map((id) => (id === 'mock' ? mockBroker() : require('./brokers/kafka').kafkaBroker()));
}

async function main() {
  const argv = process.argv.slice(2);
  const opts = parseArgs(argv, SPEC, { records: 500_000, rounds: 3, broker: ['both'], clients: ALL, workloads: null, scratch: false });
  const workloads = allWorkloads(opts.records).filter((w) => !opts.workloads || opts.workloads.includes(w.id));
  if (workloads.length === 0) throw new Error(`no workload matches; ids: ${allWorkloads(1).map((w) => w.id).join(', ')}`);
  const clients = ALL.filter((c) => opts.clients.includes(c));
  const brokers = brokersFor(opts.broker);
  const labels = clientLabels();
  const { runs, failures, seconds } = await runRounds({
    rounds: opts.rounds,
    workloads,
    clients,
    brokers,
    describe: (result) => `${rate(result.recordsPerSec)}/s, ${mb(result.peakRssBytes)} MB`,
  });

  const date = new Date().toISOString().slice(0, 10);
  const dir = resultsDir(opts.scratch);
  const command = commandLine(argv);
  const sections = brokers.map((broker) => {
    const summary = {};
    for (const w of workloads) summary[w.id] = Object.fromEntries(clients.map((c) => [c, summarize(runs[broker.id][w.id][c])]));
    const notApplicable = Object.fromEntries(clients.filter((c) => unsupported(c, broker.id)).map((c) => [c, unsupported(c, broker.id)]));
    const chartFile = `${date}-${broker.id}.svg`;
    const title = `Kafka producers, ${broker.label}, ${date} (${command})`;
    fs.writeFileSync(path.join(dir, chartFile), chart({ title, workloads, clients, labels, summary }));
    return { broker, summary, chartFile, notApplicable };
  });
  const setup = [
    `N = ${opts.records.toLocaleString('en-US')} records per run, ${opts.rounds} round(s), interleaved; median of the runs that counted`,
    `(a run counts only if the broker's end offsets show exactly N records).`,
    machine(),
    `Each client's settings and why are in the comment at the top of benchmarks/clients/<client>.js. Took ${seconds} s.`,
  ].join(' ');
  const md = markdown({ date, command, setup, clients, labels, workloads, sections, failures });
  fs.writeFileSync(path.join(dir, `${date}.md`), md);
  const brokerInfo = Object.fromEntries(brokers.map((b) => [b.id, { label: b.label, description: b.description }]));
  fs.writeFileSync(path.join(dir, `${date}.json`), JSON.stringify({ date, command, opts, labels, brokers: brokerInfo, workloads, runs }, null, 1) + '\n');
  process.stdout.write(md);
  process.stderr.write(`\nwrote ${path.relative(process.cwd(), path.join(dir, `${date}.md`))} (.json, ${sections.map((s) => s.chartFile).join(', ')})\n`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err.stack || err}\n`);
  process.exit(1);
});
