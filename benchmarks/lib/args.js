'use strict';
// Command-line options of bench.js and latency.js: `--name value` or a bare `--flag`.
const { ALL } = require('./clients');

/** The options both benchmarks take. */
const COMMON_SPEC = {
  '--rounds': ['rounds', 'count'],
  '--clients': ['clients', 'list'],
  '--workloads': ['workloads', 'list'],
  '--scratch': ['scratch', 'flag'],
};

/**
 * Parses argv against `spec` ({ '--records': ['records', 'count'], … }; kinds: 'count' a positive
 * integer, 'number' a non-negative number, 'list' comma-separated, 'flag' no value) over `defaults`.
 */
function parseArgs(argv, spec, defaults) {
  const opts = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!spec[a]) throw new Error(`unknown argument ${a} (known: ${Object.keys(spec).join(' ')})`);
    const [key, kind] = spec[a];
    if (kind === 'flag') {
      opts[key] = true;
      continue;
    }
    if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
    const v = argv[++i];
    if (kind === 'list') opts[key] = v.split(',');
    else {
      const n = Number(v);
      const ok = kind === 'count' ? Number.isInteger(n) && n > 0 : Number.isFinite(n) && n >= 0;
      if (!ok) throw new Error(`${a} must be ${kind === 'count' ? 'a positive integer' : 'a non-negative number'}, got '${v}'`);
      opts[key] = n;
    }
  }
  for (const c of opts.clients || []) if (!ALL.includes(c)) throw new Error(`unknown client ${c} (known: ${ALL.join(', ')})`);
  return opts;
}

module.exports = { parseArgs, COMMON_SPEC };
