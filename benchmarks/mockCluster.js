'use strict';
// Starts the project's mock-cluster launcher (test/broker/setup.sh builds it) for benchmarks.
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

/** Starts `brokers` mock brokers; resolves { bootstrap, command(line), stop() }. */
async function startMockCluster({ brokers = 3, version = '2.12' } = {}) {
  const bin = path.join(__dirname, '..', '.cache', 'broker', `mock-${version}`, 'launcher');
  const child = spawn(bin, ['--brokers', String(brokers)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  const pending = [];
  let onLine = null;
  lines.on('line', (line) => (onLine ? onLine(line) : pending.push(line)));
  const next = () =>
    new Promise((resolve) => {
      if (pending.length > 0) return resolve(pending.shift());
      onLine = (line) => {
        onLine = null;
        resolve(line);
      };
    });
  const first = await next();
  const m = /^BOOTSTRAP (\S+)$/.exec(first || '');
  if (!m) throw new Error(`mock cluster did not start: ${first}`);
  return {
    bootstrap: m[1],
    async command(line) {
      child.stdin.write(line + '\n');
      const reply = await next();
      if (reply !== 'OK') throw new Error(`mock: ${line}: ${reply}`);
    },
    stop() {
      child.stdin.end();
      child.kill();
    },
  };
}

module.exports = { startMockCluster };
