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
const os = require('node:os');
const path = require('node:path');
const { ALL, labels: clientLabels } = require('./lib/clients');
const { workloads: allWorkloads } = require('./lib/workloads');
const { runOne } = require('./lib/runOne');
const { summarize, rate, mb } = require('./lib/stats');
const { markdown } = require('./lib/markdown');
const { chart } = require('./lib/chart');

function parseArgs(argv) {
  const opts = { records: 500_000, rounds: 3, clients: ALL, workloads: null, scratch: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--records') opts.records = Number(next());
    else if (a === '--rounds') opts.rounds = Number(next());
    else if (a === '--clients') opts.clients = next().split(',');
    else if (a === '--workloads') opts.workloads = next().split(',');
    else if (a === '--scratch') opts.scratch = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(opts.records > 0 && Number.isInteger(opts.records))) throw new Error('--records must be a positive integer');
  if (!(opts.rounds > 0 && Number.isInteger(opts.rounds))) throw new Error('--rounds must be a positive integer');
  for (const c of opts.clients) if (!ALL.includes(c)) throw new Error(`unknown client ${c} (known: ${ALL.join(', ')})`);
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const workloads = allWorkloads(opts.records).filter((w) => !opts.workloads || opts.workloads.includes(w.id));
  if (workloads.length === 0) throw new Error(`no workload matches; ids: ${allWorkloads(1).map((w) => w.id).join(', ')}`);
  const clients = ALL.filter((c) => opts.clients.includes(c));
  const labels = clientLabels();
  const runs = {};
  for (const w of workloads) runs[w.id] = Object.fromEntries(clients.map((c) => [c, []]));
  const failures = [];
  const started = Date.now();
  for (let round = 1; round <= opts.rounds; round++) {
    for (const w of workloads) {
      const shift = (round - 1) % clients.length;
      const order = [...clients.slice(shift), ...clients.slice(0, shift)];
      for (const client of order) {
        const { id, name, ...workload } = w;
        const r = await runOne(client, workload);
        runs[id][client].push(r);
        const what = r.ok ? `${rate(r.result.recordsPerSec)}/s, ${mb(r.result.peakRssBytes)} MB` : `did not count: ${r.reason}`;
        process.stderr.write(`round ${round}/${opts.rounds}  ${name.padEnd(31)} ${client.padEnd(13)} ${what}\n`);
        if (!r.ok) failures.push({ client, workload: name, round, reason: r.reason });
      }
    }
  }
  const summary = {};
  for (const w of workloads) summary[w.id] = Object.fromEntries(clients.map((c) => [c, summarize(runs[w.id][c])]));

  const date = new Date().toISOString().slice(0, 10);
  const dir = path.join(__dirname, 'results', opts.scratch ? 'scratch' : '');
  fs.mkdirSync(dir, { recursive: true });
  const args = process.argv.slice(2).filter((a) => a !== '--scratch');
  const command = `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
  const cpus = os.cpus();
  const setup = [
    `N = ${opts.records.toLocaleString('en-US')} records per run, ${opts.rounds} round(s), interleaved; median of the runs that counted`,
    `(a run counts only if the broker's end offsets show exactly N records). Broker: librdkafka 2.12's mock cluster`,
    `(3 brokers, topic of 6 partitions, replication 3), fresh for every run, on the same machine; no compression.`,
    `Node ${process.version}, ${cpus.length} × ${cpus[0] ? cpus[0].model.trim() : '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB.`,
    `Each client's settings and why are in the comment at the top of benchmarks/clients/<client>.js. Took ${Math.round((Date.now() - started) / 1000)} s.`,
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
