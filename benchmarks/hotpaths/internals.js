'use strict';
// Where the hot-path cases find rxkafka's internal modules: the built dist/src/ by default, or the
// TypeScript sources themselves with --src (transpiled on require by test/soak/register.js; the
// unit test uses it so that it never measures a stale or missing build). Cases ask for a module by
// its path under src/ ('producer/RecordAccumulator'): when an internal API moves, the fix is in the
// setup() of the case that calls it, nowhere else.
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');

/** Modules are read from here; set once by useSources() before the first load(). */
let base = path.join(ROOT, 'dist', 'src');

/** Load the .ts sources instead of dist/ (no build needed). */
function useSources() {
  require(path.join(ROOT, 'test', 'soak', 'register.js'));
  base = path.join(ROOT, 'src');
}

/** The module at `rel` under src/ (e.g. 'protocol/crc32c'), built or from source. */
function load(rel) {
  return require(path.join(base, rel));
}

/**
 * Sources changed since dist/ was built (a .ts newer than its .js, or never built): measuring
 * those would guard yesterday's code. Empty when running from sources.
 */
function staleBuildFiles() {
  if (base !== path.join(ROOT, 'dist', 'src')) return [];
  const stale = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(ROOT, 'src', dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const built = path.join(base, rel.replace(/\.ts$/, '.js'));
        const srcTime = fs.statSync(path.join(ROOT, 'src', rel)).mtimeMs;
        if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < srcTime) stale.push(`src/${rel}`);
      }
    }
  };
  walk('.');
  return stale;
}

module.exports = { load, useSources, staleBuildFiles };
