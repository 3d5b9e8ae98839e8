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
//
//   node benchmarks/bench.js --render results/<date>.json
// rebuilds <date>.md and the charts from the runs stored in the JSON (after a change to the
// report's tables, without running anything again).
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
  if (argv[0] === '--render') return render(argv[1]);
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
  const setup = [
    `N = ${opts.records.toLocaleString('en-US')} records per run, ${opts.rounds} round(s), interleaved; median of the runs that counted`,
    `(a run counts only if the broker's end offsets show exactly N records).`,
    machine(),
    `Each client's settings and why are in the comment at the top of benchmarks/clients/<client>.js. Took ${seconds} s.`,
  ].join(' ');
  const brokerInfo = Object.fromEntries(brokers.map((b) => [b.id, { label: b.label, description: b.description }]));
  const stored = { date, command, setup, opts, labels, brokers: brokerInfo, workloads, runs, failures };
  fs.writeFileSync(path.join(dir, `${date}.json`), JSON.stringify(stored, null, 1) + '\n');
  const md = report(stored, clients, dir);
  process.stdout.write(md);
  process.stderr.write(`\nwrote ${path.relative(process.cwd(), path.join(dir, `${date}.md`))} (.json, ${date}-<broker>.svg)\n`);
}

/** Writes <date>.md and one chart per broker into `dir` from the stored runs; returns the markdown. */
function report({ date, command, setup, labels, brokers, workloads, runs, failures }, clients, dir) {
  const sections = Object.entries(brokers).map(([id, info]) => {
    const broker = { id, ...info };
    const summary = {};
    for (const w of workloads) summary[w.id] = Object.fromEntries(clients.map((c) => [c, summarize(runs[id][w.id][c])]));
    const notApplicable = Object.fromEntries(clients.filter((c) => unsupported(c, id)).map((c) => [c, unsupported(c, id)]));
    const chartFile = `${date}-${id}.svg`;
    const title = `Kafka producers, ${broker.label}, ${date} (${command})`;
    fs.writeFileSync(path.join(dir, chartFile), chart({ title, workloads, clients, labels, summary }));
    return { broker, summary, chartFile, notApplicable };
  });
  const md = markdown({ date, command, setup, clients, labels, workloads, sections, failures });
  fs.writeFileSync(path.join(dir, `${date}.md`), md);
  return md;
}

/**
 * --render: the report again from a stored JSON. Results stored before the JSON kept the setup
 * line and the failed runs take them from the markdown written with them.
 */
function render(file) {
  if (!file) throw new Error('--render needs the JSON file of a run: results/<date>.json');
  const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
  const dir = path.dirname(file);
  if (stored.setup === undefined || stored.failures === undefined) {
    const old = fs.readFileSync(path.join(dir, `${stored.date}.md`), 'utf8').split('\n');
    stored.setup ??= old[4];
    stored.failures ??= old
      .slice(old.indexOf('## Runs that did not count') + 2)
      .filter((line) => line.startsWith('- '))
      .map((line) => ({ text: line.slice(2) }));
    if (!old.includes('## Runs that did not count')) stored.failures = [];
  }
  const clients = ALL.filter((c) => stored.opts.clients.includes(c));
  report(stored, clients, dir);
  process.stderr.write(`wrote ${path.join(dir, `${stored.date}.md`)} again from ${file}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err.stack || err}\n`);
  process.exit(1);
});
