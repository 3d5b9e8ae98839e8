'use strict';
// How one case is timed. A case's setup() returns run(n), which does n iterations of the hot path
// in its own loop (so the harness adds no call per op) and returns a number derived from the
// work, folded into `sink` so that the JIT cannot drop it.
//
// What this project's machine taught (2 vCPUs shared with other agents' builds, tests, brokers):
// - the other processes slow a 10 ms run by up to 2-3×, in phases of seconds, and slow
//   memory-heavy code more than plain arithmetic (calibration.js says how its mix follows that).
//   So every run of the case is paired with a calibration run just before it, and the ratio is
//   taken per pair;
// - the JIT tiers up late and at a different time in every process (its compiler thread waits
//   for a CPU): decoding a Produce response ran 2× slower for its first ~200 ms. So the warm-up
//   lasts at least `warmupMinNs`, and goes on while the code still gets faster (up to
//   `warmupMaxNs`);
// - forcing a full GC between samples (node --expose-gc) made it worse: V8 then throws away
//   optimised code that holds weak references ("deoptimization, reason: weak objects"), and the
//   next sample runs it unoptimised. No GC is forced: allocation and its GC are part of the cost.
// A sample is `runsPerSample` pairs of runs (a case run of ~`runNs`); its ns/op is the median of
// its case runs, its ratio the median of its pairs' ratios. The case's ns/op and ratio are the
// medians over `samples` samples.

/** Clocks in ns: wall time, or the process's CPU time (all its threads, GC helpers included). */
const CLOCKS = {
  wall: () => Number(process.hrtime.bigint()),
  cpu: () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) * 1000;
  },
};

/** Folds every run's result: never read, but the work that produced it must be done. */
let sink = 0;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** ns taken by run(n). */
function timeOnce(run, n, now) {
  const t0 = now();
  const out = run(n);
  const ns = now() - t0;
  sink = (sink + (typeof out === 'number' ? out : 1)) | 0;
  return ns;
}

/** An n for which run(n) takes about `targetNs` now, found by growing n from 1. */
function iterationsFor(run, targetNs, now) {
  let n = 1;
  for (;;) {
    const ns = timeOnce(run, n, now);
    if (ns >= targetNs / 4) return Math.max(1, Math.round((n * targetNs) / ns));
    n = ns < targetNs / 100 ? n * 10 : Math.max(n + 1, Math.ceil((n * targetNs) / Math.max(ns, 1)));
  }
}

/**
 * Warms `run` up in runs of about `runNs`: for at least `warmupMinNs`, then until the best of
 * the last 10 runs is no longer 5% better than the best of the 10 before (the JIT is done), or
 * `warmupMaxNs` is spent. Returns n sized for `runNs` at the speed reached.
 */
function warmUp(run, t, now) {
  let n = iterationsFor(run, t.runNs, now);
  const perOp = [];
  let spent = 0;
  for (;;) {
    const ns = timeOnce(run, n, now);
    spent += ns;
    perOp.push(ns / n);
    if (spent >= t.warmupMaxNs) break;
    if (spent >= t.warmupMinNs && perOp.length >= 20) {
      const recent = Math.min(...perOp.slice(-10));
      const before = Math.min(...perOp.slice(-20, -10));
      if (recent > before * 0.95) break;
    }
    // Runs got much faster (tier-up): keep each near runNs.
    if (ns < t.runNs / 2) n *= 2;
  }
  return Math.max(1, Math.round(t.runNs / median(perOp.slice(-10))));
}

/**
 * A warmed-up timer for `run`: once() runs it for about `runNs` and gives ns per op.
 * `opsPerIteration` converts per iteration to per op (the records of a batch, the frames of a
 * stream).
 */
function prepare(run, opsPerIteration, t) {
  const now = CLOCKS[t.clock];
  const n = warmUp(run, t, now);
  return { iterations: n, once: () => timeOnce(run, n, now) / (n * opsPerIteration) };
}

/**
 * Measures one case against the calibration (a prepared timer). Returns ns/op and ratio (medians
 * over the samples), the calibration's ns/op during this case, iterations per run, and each
 * sample's ns/op and ratio.
 */
function measure(run, opsPerIteration, calibration, t) {
  const timer = prepare(run, opsPerIteration, t);
  const samples = [];
  const sampleRatios = [];
  const calibrationSamples = [];
  for (let s = 0; s < t.samples; s++) {
    const ns = [];
    const ratios = [];
    const calibrationNs = [];
    for (let i = 0; i < t.runsPerSample; i++) {
      const c = calibration.once();
      const x = timer.once();
      ns.push(x);
      ratios.push(x / c);
      calibrationNs.push(c);
    }
    samples.push(median(ns));
    sampleRatios.push(median(ratios));
    calibrationSamples.push(median(calibrationNs));
  }
  return {
    nsPerOp: median(samples),
    ratio: median(sampleRatios),
    calibrationNsPerOp: median(calibrationSamples),
    iterations: timer.iterations,
    samples,
    sampleRatios,
  };
}

module.exports = { CLOCKS, median, prepare, measure };
