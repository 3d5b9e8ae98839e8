'use strict';
// What a run prints: the readable table (one line per case) and the check's verdict, or JSON.
const { changeOf } = require('./baseline');

function nsText(ns) {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(ns < 10 ? 2 : 1)} ns`;
}

function rateText(opsPerSec) {
  if (opsPerSec >= 1e9) return `${(opsPerSec / 1e9).toFixed(2)}G`;
  if (opsPerSec >= 1e6) return `${(opsPerSec / 1e6).toFixed(2)}M`;
  if (opsPerSec >= 1e3) return `${(opsPerSec / 1e3).toFixed(1)}k`;
  return opsPerSec.toFixed(0);
}

function changeText(change) {
  if (change === null) return '—';
  return `${change >= 0 ? '+' : ''}${(change * 100).toFixed(0)}%`;
}

/** One line per case, columns padded (numbers right-aligned); a case without a result says why. */
function formatTable(run, baseline) {
  const header = ['case', 'per', 'ns/op', 'ops/s', 'ratio', 'baseline', 'change'];
  const rows = run.cases.map((c) => {
    if (c.ratio == null) return [c.name, c.unit, c.skip ? `skipped: ${c.skip}` : 'error (below)'];
    const recorded = baseline?.cases[c.name];
    return [
      c.name,
      c.unit,
      nsText(c.nsPerOp),
      rateText(1e9 / c.nsPerOp),
      c.ratio.toPrecision(3),
      recorded ? recorded.ratio.toPrecision(3) : '—',
      changeText(changeOf(c, baseline)),
    ];
  });
  const full = [header, ...rows.filter((r) => r.length === header.length)];
  const widths = header.map((_, i) => Math.max(...full.map((r) => r[i].length), i < 2 ? Math.max(...rows.map((r) => r[i].length)) : 0));
  const line = (r) =>
    r.map((cell, i) => (i < 2 || r.length < header.length ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Prints a run: JSON (--json), or the calibration line, the table, failures and the check's verdict. */
function report(opts, run, baseline, check) {
  if (opts.json) {
    console.log(JSON.stringify({ ...run, check }, null, 2));
    return;
  }
  console.log(
    `${run.calibration}: ${run.calibrationNsPerOp === null ? '—' : nsText(run.calibrationNsPerOp)} per pass ` +
      `(${run.clock} clock, Node ${run.node}${run.quick ? ', --quick: not measurements' : ''}); ratio = ns/op ÷ that\n`,
  );
  console.log(formatTable(run, baseline));
  for (const c of run.cases) if (c.error) console.log(`\n${c.name} failed to run:\n${c.error}`);
  if (check !== null) {
    if (check.baselineNode !== run.node) console.log(`\nnote: the baseline was recorded on Node ${check.baselineNode}: ratios may have shifted with Node itself`);
    if (check.baselineCalibration !== run.calibration) {
      console.log(`\nnote: the baseline's ratios are to ${check.baselineCalibration ?? 'another calibration'}, this run's to ${run.calibration}: re-record it`);
    }
    if (check.unknown.length > 0) console.log(`\nnot in the baseline (record them with --update-baseline): ${check.unknown.join(', ')}`);
    if (check.skipped.length > 0) console.log(`\nnot compared (no result here): ${check.skipped.join(', ')}`);
    const rechecked = run.cases.filter((c) => c.rechecked && !check.regressions.some((r) => r.name === c.name));
    for (const c of rechecked) {
      console.log(`\nre-measured, looked worse at first: ${c.name} (ratios ${c.processRatios.map((r) => r.toPrecision(3)).join(', ')}; the best counts)`);
    }
    if (check.regressions.length === 0) console.log(`\ncheck: no case is more than ${check.tolerance * 100}% worse than its baseline ratio`);
    for (const r of check.regressions) {
      console.log(
        `\nREGRESSION ${r.name}: ratio ${r.ratio.toPrecision(3)} vs baseline ${r.baselineRatio.toPrecision(3)} ` +
          `(+${(r.change * 100).toFixed(0)}%, more than ${check.tolerance * 100}%${r.processRatios ? `; best of ${r.processRatios.length} processes` : ''})`,
      );
    }
  }
  if (opts.updateBaseline) {
    const written = run.cases.every((c) => !c.error);
    console.log(written ? `\nbaseline written: ${opts.baseline}` : '\nbaseline NOT written: a case failed to run');
  }
}

module.exports = { report, formatTable };
