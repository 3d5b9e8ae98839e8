'use strict';
// The run loop bench.js and latency.js share: for each round, each broker (opened for the round:
// the Kafka cluster starts, the mock starts per run), each workload, each client — the client
// order rotated every round, so no client always runs first or last — one runOne (the driver in
// its own process, the end offsets checked). One line per run on stderr. Only one broker runs at a
// time: the Kafka cluster is stopped before the mock's runs, so it takes no CPU from them.
const { runOne } = require('./runOne');
const { unsupported } = require('./clients');
const { mockBroker } = require('../brokers/mock');

/**
 * Resolves { runs: { [brokerId]: { [workloadId]: { [client]: run[] } } }, failures, seconds }.
 * `check(result, workload)` may refuse a run the broker counted (returns why, or null);
 * `describe(result)` is the progress line's text for a counted run. A client a broker cannot
 * serve (lib/clients.js, unsupported) has no runs there.
 */
async function runRounds({ rounds, workloads, clients, brokers = [mockBroker()], check = () => null, describe }) {
  const runs = {};
  for (const b of brokers) {
    runs[b.id] = {};
    for (const w of workloads) runs[b.id][w.id] = Object.fromEntries(clients.map((c) => [c, []]));
  }
  const failures = [];
  const started = Date.now();
  for (let round = 1; round <= rounds; round++) {
    for (const broker of brokers) {
      const serves = clients.filter((c) => !unsupported(c, broker.id));
      if (serves.length === 0) continue;
      process.stderr.write(`round ${round}/${rounds}  ${broker.label}: starting\n`);
      await broker.open();
      try {
        for (const w of workloads) {
          const shift = (round - 1) % serves.length;
          const order = [...serves.slice(shift), ...serves.slice(0, shift)];
          for (const client of order) {
            const { id, name, ...workload } = w;
            let r = await runOne(client, workload, broker);
            const refused = r.ok ? check(r.result, w) : null;
            if (refused) r = { ...r, ok: false, reason: refused };
            runs[broker.id][id][client].push(r);
            const what = r.ok ? describe(r.result) : `did not count: ${r.reason}`;
            process.stderr.write(`round ${round}/${rounds}  ${broker.id.padEnd(5)} ${name.padEnd(31)} ${client.padEnd(13)} ${what}\n`);
            if (!r.ok) failures.push({ broker: broker.id, client, workload: name, round, reason: r.reason });
          }
        }
      } finally {
        await broker.close();
      }
    }
  }
  return { runs, failures, seconds: Math.round((Date.now() - started) / 1000) };
}

module.exports = { runRounds };
