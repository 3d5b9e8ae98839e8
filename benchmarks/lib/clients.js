'use strict';
// The clients in the table, in column order, with the versions actually installed (read at run
// time, so the table never claims a version it did not run).
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const NODE_PEERS = ['kafkajs', 'platformatic', 'node-rdkafka'];
const ALL = ['rxkafka', ...NODE_PEERS, 'kcat'];

function pkgVersion(dir) {
  try {
    return require(path.join(dir, 'package.json')).version.replace(/^v/, '');
  } catch {
    return '?';
  }
}

function labels() {
  const nm = path.join(__dirname, '..', 'node_modules');
  let kcat = '?';
  try {
    const v = execFileSync('kcat', ['-V'], { encoding: 'utf8' });
    const m = /Version (\S+) .*librdkafka (\S+)/.exec(v);
    if (m) kcat = `${m[1]}, librdkafka ${m[2]}`;
  } catch {
    // kcat missing: its runs fail and say so
  }
  let rdkafka = '?';
  try {
    rdkafka = require(path.join(nm, 'node-rdkafka')).librdkafkaVersion;
  } catch {
    // not installed
  }
  return {
    rxkafka: `rxkafka ${pkgVersion(path.join(__dirname, '..', '..'))}`,
    kafkajs: `KafkaJS ${pkgVersion(path.join(nm, 'kafkajs'))}`,
    platformatic: `@platformatic/kafka ${pkgVersion(path.join(nm, '@platformatic', 'kafka'))}`,
    'node-rdkafka': `node-rdkafka ${pkgVersion(path.join(nm, 'node-rdkafka'))} (librdkafka ${rdkafka})`,
    kcat: `kcat ${kcat} (C)`,
  };
}

module.exports = { ALL, NODE_PEERS, labels };
