'use strict';
// Where each case runs: in a process of its own (worker.js) by default, so that it finds the
// JIT's type feedback and the heap as its hot path alone leaves them and a filtered run measures
// what the full run measures; or all in this process with --in-process (quicker to start, e.g.
// from sources; cases then see each other's feedback).
//
// Best of several processes: on this project's machine, one process in three or four runs a
// case up to 2× slower than the others from start to end (another agent's load in that second,
// or the JIT's choices in that process), which no calibration cancels. A baseline is recorded
// as each case's best of 3 processes, and --check re-measures a case that looks worse in 3 more
// before calling it a regression, so that both sides of the comparison are best-of.
const { spawnSync } = require('child_process');
const path = require('path');
const { prepareCalibration, runCase } = require('./worker');

const WORKER = path.join(__dirname, 'worker.js');

/** A function measuring one case once (one process, or this one), given the timing settings. */
function caseRunner(inProcess, t) {
  if (inProcess) {
    const calibrationTimer = prepareCalibration(t);
    return (c) => runCase(c, calibrationTimer, t);
  }
  return (c) => {
    const child = spawnSync(process.execPath, [WORKER, c.name, JSON.stringify(t)], { encoding: 'utf8' });
    const last = child.stdout.trim().split('\n').pop();
    if (child.status === 0 && last) return JSON.parse(last);
    const error = `worker exited with ${child.status ?? child.signal}: ${child.stderr || child.error}`;
    return { name: c.name, unit: c.unit, guards: c.guards, nsPerOp: null, ratio: null, error };
  };
}

/**
 * The case measured `times` times, keeping the result with the lowest ratio; `earlier` results
 * (e.g. the first measurement before a re-check) compete too. `processRatios` lists every ratio.
 */
function bestOf(measureOnce, c, times, earlier = []) {
  const results = [...earlier];
  for (let i = 0; i < times; i++) results.push(measureOnce(c));
  const measured = results.filter((r) => r.ratio != null);
  if (measured.length === 0) return results[results.length - 1];
  const best = measured.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  return results.length === 1 ? best : { ...best, processRatios: measured.flatMap((r) => r.processRatios ?? [r.ratio]) };
}

module.exports = { caseRunner, bestOf };
