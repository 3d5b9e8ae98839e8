'use strict';
// Hot-path guard benchmarks (issue 4: "keep the wins"): no broker, no network; each case times
// one hot path of the producer per record (or per batch, request, frame) by calling the built
// modules in dist/, and reports it also as a ratio to a calibration case measured in the same
// process, which a shared, noisy machine moves much less than ns/op. `--check` compares the
// ratios with results/hotpaths-baseline.json and fails naming every case more than 30% worse.
//
//   npm run build && npm run bench:hot                 # the table (~25 s)
//   npm run bench:hot -- --check                       # exit 1 on a regression
//   npm run bench:hot -- crc32c batch/ --json          # only cases whose name contains a filter
//   npm run bench:hot -- --update-baseline             # re-record (benchmarks/README.md: when)
//
// Options: --quick (tiny samples: proves every case runs, measures nothing), --src (run the .ts
// sources, no build), --in-process (all cases in this process, not one process each),
// --processes N (each case's best of N processes; 3 with --update-baseline, else 1),
// --samples N (5), --sample-ms N (40: 5 × 40 = 200 ms of the case's runs), --clock wall|cpu,
// --baseline FILE, --list (the cases and what each guards).
// Exit status: 0 fine, 1 a regression (--check) or a case that failed to run, 2 bad usage.
const { calibration } = require('./hotpaths/calibration');
const allCases = require('./hotpaths/cases');
const internals = require('./hotpaths/internals');
const { parseArgs, timing } = require('./hotpaths/args');
const { median } = require('./hotpaths/measure');
const { bestOf, caseRunner } = require('./hotpaths/runner');
const { compareToBaseline, readBaseline, updatedBaseline, writeBaseline } = require('./hotpaths/baseline');
const { report } = require('./hotpaths/report');

/** Processes a case that looks regressed is measured in again before --check believes it. */
const RECHECK_PROCESSES = 3;

function progress(opts, text) {
  if (!opts.json && process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const selected = opts.filters.length === 0 ? allCases : allCases.filter((c) => opts.filters.some((f) => c.name.includes(f)));
  if (selected.length === 0) throw new Error(`no case matches ${opts.filters.join(', ')} (--list shows them)`);
  if (opts.list) {
    for (const c of selected) console.log(`${c.name.padEnd(30)} ${c.guards}`);
    return 0;
  }
  if (opts.src) internals.useSources();
  const stale = internals.staleBuildFiles();
  if (stale.length > 0) {
    const more = stale.length > 3 ? ` and ${stale.length - 3} more` : '';
    console.error(`warning: dist/ is older than ${stale.slice(0, 3).join(', ')}${more}: run npm run build (or pass --src)`);
  }

  const measureOnce = caseRunner(opts.inProcess, timing(opts));
  const cases = [];
  for (const c of selected) {
    progress(opts, `${c.name}…`);
    cases.push(bestOf(measureOnce, c, opts.processes));
  }
  progress(opts, '');

  const baseline = readBaseline(opts.baseline);
  let check = null;
  if (opts.check) {
    if (baseline === null) throw new Error(`--check: no baseline at ${opts.baseline} (record one with --update-baseline)`);
    check = compareToBaseline(cases, baseline);
    // A regression must show again in fresh processes (not in --quick, which measures nothing).
    if (!opts.quick && check.regressions.length > 0) {
      for (const r of check.regressions) {
        progress(opts, `${r.name} again…`);
        const i = cases.findIndex((c) => c.name === r.name);
        cases[i] = { ...bestOf(measureOnce, selected.find((c) => c.name === r.name), RECHECK_PROCESSES, [cases[i]]), rechecked: true };
      }
      progress(opts, '');
      check = compareToBaseline(cases, baseline);
    }
    check.baselineNode = baseline.node;
    check.baselineCalibration = baseline.calibration;
  }

  const measured = cases.filter((c) => c.ratio != null);
  const run = {
    node: process.version,
    clock: opts.clock,
    quick: Boolean(opts.quick),
    calibration: calibration.name,
    calibrationNsPerOp: measured.length > 0 ? median(measured.map((c) => c.calibrationNsPerOp)) : null,
    cases,
  };
  const broken = cases.some((c) => c.error);
  if (opts.updateBaseline && !broken) writeBaseline(updatedBaseline(baseline, run), opts.baseline);
  report(opts, run, baseline, check);
  return broken || (check !== null && check.regressions.length > 0) ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
}
