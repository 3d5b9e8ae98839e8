'use strict';
// The clients in the table, in column order, with the versions actually installed (read at run
// time, so the table never claims a version it did not run), and the brokers a client cannot use.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const NODE_PEERS = ['kafkajs', 'platformatic', 'node-rdkafka'];
const ALL = ['rxkafka', ...NODE_PEERS, 'kcat', 'java'];

// Kafka's Java client (4.4) cannot talk to librdkafka's mock: after the ApiVersions exchange it
// logs "Connection to node -1 is throttled for 1179648 ms" for every node and never gets
// Metadata ("Topic bench not present in metadata after 60000 ms"), whether the mock allows
// ApiVersions up to v2 (its default), v3 or v4. 1179648 is 0x00120000, most likely ApiVersions'
// own key (18) read as throttle_time_ms: the mock hand-writes that answer (its flexible versions
// lack the per-entry tagged fields, see clients/platformatic-mock-hooks.mjs). Fixing it means
// patching the mock's ApiVersions answer (test/broker), not the benchmark.
const UNSUPPORTED = {
  java: { mock: "Kafka's Java client 4.x cannot read the mock's ApiVersions answer (benchmarks/lib/clients.js says why)" },
};

/** Why `client` has no runs on broker `brokerId`, or null when it has. */
function unsupported(client, brokerId) {
  return (UNSUPPORTED[client] && UNSUPPORTED[client][brokerId]) || null;
}

/** The Apache Kafka release test/kafka/kafka.sh runs (its own rule: RXKAFKA_KAFKA_VERSION, else versions.sh). */
function kafkaVersion() {
  if (process.env.RXKAFKA_KAFKA_VERSION) return process.env.RXKAFKA_KAFKA_VERSION;
  const m = /^kafka_default_version=(\S+)/m.exec(fs.readFileSync(path.join(ROOT, 'test', 'kafka', 'versions.sh'), 'utf8'));
  return m ? m[1] : '?';
}

function pkgVersion(dir) {
  try {
    return require(path.join(dir, 'package.json')).version.replace(/^v/, '');
  } catch {
    return '?';
  }
}

function javaLabel() {
  const v = kafkaVersion();
  let clients = '?';
  try {
    const jar = fs.readdirSync(path.join(ROOT, '.cache', 'kafka', v, 'libs')).find((f) => /^kafka-clients-.*\.jar$/.test(f));
    if (jar) clients = jar.replace(/^kafka-clients-|\.jar$/g, '');
  } catch {
    // jars not fetched: its runs fail and say so
  }
  // `java -version` writes to stderr.
  const jvm = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const m = /version "([^"]+)"/.exec(`${jvm.stderr || ''}`);
  return `Java producer ${clients} (ProducerPerformance, Java ${m ? m[1] : '?'})`;
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
    rxkafka: `rxkafka ${pkgVersion(ROOT)}`,
    kafkajs: `KafkaJS ${pkgVersion(path.join(nm, 'kafkajs'))}`,
    platformatic: `@platformatic/kafka ${pkgVersion(path.join(nm, '@platformatic', 'kafka'))}`,
    'node-rdkafka': `node-rdkafka ${pkgVersion(path.join(nm, 'node-rdkafka'))} (librdkafka ${rdkafka})`,
    kcat: `kcat ${kcat} (C)`,
    java: javaLabel(),
  };
}

module.exports = { ALL, NODE_PEERS, labels, unsupported, kafkaVersion };
