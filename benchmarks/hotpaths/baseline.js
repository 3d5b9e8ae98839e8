'use strict';
// The committed baseline (results/hotpaths-baseline.json): each case's ratio to the calibration
// when it was recorded, and the comparison `--check` makes against it.
const fs = require('fs');
const os = require('os');
const path = require('path');

const BASELINE_PATH = path.join(__dirname, '..', 'results', 'hotpaths-baseline.json');

/** A case fails --check when its ratio is more than this much above its baseline ratio. */
const TOLERANCE = 0.3;

function readBaseline(file = BASELINE_PATH) {
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
}

/**
 * The baseline with this run's cases in it. Cases not run this time (a filter) keep their
 * recorded ratio, so that one case can be re-recorded alone.
 */
function updatedBaseline(previous, run) {
  const cases = { ...(previous ? previous.cases : {}) };
  for (const c of run.cases) if (c.ratio != null) cases[c.name] = { ratio: round(c.ratio), nsPerOp: round(c.nsPerOp) };
  return {
    about:
      "Each case's ns/op divided by the calibration's (hotpaths/calibration.js) in the same process, its best of several " +
      'processes. `npm run bench:hot -- --check` fails when a ratio is more than 30% above this; `--update-baseline` rewrites it.',
    recordedAt: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    clock: run.clock,
    calibration: run.calibration,
    calibrationNsPerOp: round(run.calibrationNsPerOp),
    cases,
  };
}

function writeBaseline(baseline, file = BASELINE_PATH) {
  fs.writeFileSync(file, `${JSON.stringify(baseline, null, 2)}\n`);
}

/** Four significant digits are more than the noise allows. */
function round(x) {
  return Number(x.toPrecision(4));
}

/**
 * Compares a run's ratios with the baseline's. `regressions`: cases whose ratio is more than
 * `tolerance` above the baseline's (change = ratio / baseline − 1), worst first. `unknown`: cases
 * run that the baseline lacks (new: record them); `skipped`: cases run without a result.
 */
function compareToBaseline(cases, baseline, tolerance = TOLERANCE) {
  const regressions = [];
  const unknown = [];
  const skipped = [];
  for (const c of cases) {
    const recorded = baseline.cases[c.name];
    if (c.ratio == null) skipped.push(c.name);
    else if (recorded === undefined) unknown.push(c.name);
    else {
      const change = c.ratio / recorded.ratio - 1;
      if (change > tolerance) {
        regressions.push({ name: c.name, ratio: c.ratio, baselineRatio: recorded.ratio, change, processRatios: c.processRatios });
      }
    }
  }
  regressions.sort((a, b) => b.change - a.change);
  return { regressions, unknown, skipped, tolerance };
}

/** Each case's change against the baseline (ratio / baseline − 1), or null when it has none. */
function changeOf(c, baseline) {
  const recorded = baseline?.cases[c.name];
  return recorded === undefined || c.ratio == null ? null : c.ratio / recorded.ratio - 1;
}

module.exports = { BASELINE_PATH, TOLERANCE, readBaseline, updatedBaseline, writeBaseline, compareToBaseline, changeOf };
