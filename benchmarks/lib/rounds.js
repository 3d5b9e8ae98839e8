'use strict';
// The run loop bench.js and latency.js share: for each round, each workload, each client — the
// client order rotated every round, so no client always runs first or last — one runOne (a fresh
// mock cluster, the driver in its own process, the end offsets checked). One line per run on stderr.
const { runOne } = require('./runOne');

/**
 * Resolves { runs: { [workloadId]: { [client]: run[] } }, failures, seconds }. `check(result,
 * workload)` may refuse a run the broker counted (returns why, or null); `describe(result)` is the
 * progress line's text for a counted run.
 */
async function runRounds({ rounds, workloads, clients, check = () => null, describe }) {
  const runs = {};
  for (const w of workloads) runs[w.id] = Object.fromEntries(clients.map((c) => [c, []]));
  const failures = [];
  const started = Date.now();
  for (let round = 1; round <= rounds; round++) {
    for (const w of workloads) {
      const shift = (round - 1) % clients.length;
      const order = [...clients.slice(shift), ...clients.slice(0, shift)];
      for (const client of order) {
        const { id, name, ...workload } = w;
        let r = await runOne(client, workload);
        const refused = r.ok ? check(r.result, w) : null;
        if (refused) r = { ...r, ok: false, reason: refused };
        runs[id][client].push(r);
        const what = r.ok ? describe(r.result) : `did not count: ${r.reason}`;
        process.stderr.write(`round ${round}/${rounds}  ${name.padEnd(31)} ${client.padEnd(13)} ${what}\n`);
        if (!r.ok) failures.push({ client, workload: name, round, reason: r.reason });
      }
    }
  }
  return { runs, failures, seconds: Math.round((Date.now() - started) / 1000) };
}

module.exports = { runRounds };
