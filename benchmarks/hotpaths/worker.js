'use strict';
// Measures one case in a process of its own: `node worker.js <case> <timing JSON>`
// prints one JSON line, the case's result. hotpaths.js runs every case this way, so that a case
// finds the JIT's type feedback and the heap as the hot path alone leaves them, not as the cases
// before it did, and a filtered run measures what the full run measures.
const { calibration } = require('./calibration');
const allCases = require('./cases');
const internals = require('./internals');
const { measure, prepare } = require('./measure');

/** One case measured, or why not (skip: not available here; error: its setup or run threw). */
function runCase(c, calibrationTimer, t) {
  const base = { name: c.name, unit: c.unit, guards: c.guards, nsPerOp: null, ratio: null };
  try {
    const prepared = c.setup(internals);
    if (prepared.skip) return { ...base, skip: prepared.skip };
    const m = measure(prepared.run, prepared.opsPerIteration ?? 1, calibrationTimer, t);
    return { ...base, unit: prepared.unit ?? c.unit, ...m };
  } catch (err) {
    return { ...base, error: err instanceof Error ? err.stack : String(err) };
  }
}

/**
 * The calibration's timer for the cases measured in this process: runs half as long as the
 * cases' (it only needs to be the least disturbed), a shorter warm-up (its loop is simple).
 */
function prepareCalibration(t) {
  return prepare(calibration.setup(), 1, { ...t, runNs: t.runNs / 2, warmupMinNs: t.warmupMinNs / 3 });
}

if (require.main === module) {
  const [name, timingJson] = process.argv.slice(2);
  const t = JSON.parse(timingJson);
  if (t.src) internals.useSources();
  const c = allCases.find((x) => x.name === name);
  const result = c === undefined ? { name, error: `no case named ${name}` } : runCase(c, prepareCalibration(t), t);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

module.exports = { runCase, prepareCalibration };
