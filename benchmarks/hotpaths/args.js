'use strict';
// hotpaths.js's command line, and the timing settings it implies (measure.js says why each).
const { BASELINE_PATH } = require('./baseline');

const FLAGS = ['--check', '--update-baseline', '--json', '--quick', '--src', '--in-process', '--list'];
const VALUES = { '--samples': 'samples', '--sample-ms': 'sampleMs', '--processes': 'processes', '--clock': 'clock', '--baseline': 'baseline' };

/** Options from argv: flags, `--name value`, and any other word as a case-name filter. */
function parseArgs(argv) {
  const opts = { filters: [], samples: 5, sampleMs: 40, processes: null, clock: 'wall', baseline: BASELINE_PATH };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (FLAGS.includes(a)) opts[a.slice(2).replace(/-(\w)/g, (_, c) => c.toUpperCase())] = true;
    else if (VALUES[a] !== undefined && i + 1 < argv.length) opts[VALUES[a]] = argv[++i];
    else if (a.startsWith('--')) throw new Error(`unknown option ${a} (known: ${[...FLAGS, ...Object.keys(VALUES)].join(' ')})`);
    else opts.filters.push(a);
  }
  opts.samples = positiveInteger('--samples', opts.samples);
  opts.sampleMs = Number(opts.sampleMs);
  // Recording a baseline takes each case's best of 3 processes (hotpaths/runner.js says why).
  opts.processes = positiveInteger('--processes', opts.processes ?? (opts.updateBaseline ? 3 : 1));
  if (!(opts.sampleMs > 0)) throw new Error('--sample-ms must be a positive number');
  if (opts.clock !== 'wall' && opts.clock !== 'cpu') throw new Error("--clock must be 'wall' or 'cpu'");
  if (opts.quick && opts.updateBaseline) throw new Error('--quick measures nothing worth keeping: no --update-baseline with it');
  return opts;
}

function positiveInteger(name, value) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return n;
}

/**
 * Timing settings: runs of 10 ms, `sampleMs` of them per sample (4 by default: 5 samples are
 * 200 ms of the case's own runs); --quick shrinks everything to well under a millisecond, which
 * proves that every case runs and measures nothing (the unit test's mode).
 */
function timing(opts) {
  const runNs = opts.quick ? 0.25e6 : 10e6;
  return {
    clock: opts.clock,
    samples: opts.samples,
    runNs,
    runsPerSample: opts.quick ? 2 : Math.max(1, Math.round((opts.sampleMs * 1e6) / runNs)),
    warmupMinNs: opts.quick ? 1e6 : 300e6,
    warmupMaxNs: opts.quick ? 5e6 : 1500e6,
    src: Boolean(opts.src),
  };
}

module.exports = { parseArgs, timing };
