'use strict';
// Summarises a V8 CPU profile (`node --cpu-prof`): self time by function and by source folder, as
// shares of the samples. Usage: node benchmarks/profile.js <file.cpuprofile | dir> [--top 30]
// [--callers <function name>] (that function's self time split by its callers) [--json]
// A directory means its newest .cpuprofile. Folders are rxkafka's src/<folder>, node_modules/<package>,
// node:<module> for Node's own JavaScript, and (native) for V8 builtins, GC and program time.
const fs = require('node:fs');
const path = require('node:path');

function newestProfile(dir) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
  files.sort((a, b) => fs.statSync(path.join(dir, b)).mtimeMs - fs.statSync(path.join(dir, a)).mtimeMs);
  return path.join(dir, files[0]);
}

/** The folder a sample's script belongs to, for the by-folder table. */
function folderOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return `node_modules/${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const src = /\/(src|operators|benchmarks)\/(.*)$/.exec(url);
  if (src) {
    const parts = src[2].split('/');
    return parts.length > 1 ? `${src[1]}/${parts[0]}` : src[1];
  }
  return path.basename(url);
}

function summarise(profile) {
  const byFunction = new Map();
  const byFolder = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount || 0;
    if (hits === 0) continue;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const folder = folderOf(url, functionName);
    const name = `${functionName || '(anonymous)'} ${url ? `${path.basename(url)}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(name, (byFunction.get(name) || 0) + hits);
    byFolder.set(folder, (byFolder.get(folder) || 0) + hits);
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ name: k, share: v / total }));
  return { samples: total, byFunction: sorted(byFunction), byFolder: sorted(byFolder) };
}

/** Self time of the functions named `name`, split by their callers (which stage reads the clock?). */
function callers(profile, name) {
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children || []) parent.set(child, node);
  const byCaller = new Map();
  let total = 0;
  for (const node of profile.nodes) total += node.hitCount || 0;
  for (const node of profile.nodes) {
    if (!node.hitCount || node.callFrame.functionName !== name) continue;
    const p = parent.get(node.id);
    const caller = p ? `${p.callFrame.functionName || '(anonymous)'} ${path.basename(p.callFrame.url)}:${p.callFrame.lineNumber + 1}` : '(root)';
    byCaller.set(caller, (byCaller.get(caller) || 0) + node.hitCount);
  }
  return [...byCaller.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ name: k, share: v / total }));
}

function main() {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 30;
  const callersAt = args.indexOf('--callers');
  const callersOf = callersAt >= 0 ? args.splice(callersAt, 2)[1] : null;
  const json = args.includes('--json');
  const target = args.find((a) => !a.startsWith('--'));
  if (!target) {
    console.error('usage: node benchmarks/profile.js <file.cpuprofile | dir> [--top N] [--json]');
    process.exit(2);
  }
  const file = fs.statSync(target).isDirectory() ? newestProfile(target) : target;
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (callersOf !== null) {
    for (const c of callers(profile, callersOf)) console.log(`${(c.share * 100).toFixed(1).padStart(5)}%  ${c.name}`);
    return;
  }
  const summary = summarise(profile);
  if (json) return console.log(JSON.stringify(summary));
  const pct = (s) => `${(s * 100).toFixed(1).padStart(5)}%`;
  console.log(`${file}: ${summary.samples} samples\n\nself time by folder`);
  for (const f of summary.byFolder) if (f.share >= 0.001) console.log(`${pct(f.share)}  ${f.name}`);
  console.log(`\nself time by function (top ${top})`);
  for (const f of summary.byFunction.slice(0, top)) console.log(`${pct(f.share)}  ${f.name}`);
}

if (require.main === module) main();

module.exports = { summarise, folderOf, callers };
