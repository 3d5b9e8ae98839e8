'use strict';
// The clients in the table, in column order, with the versions actually installed (read at run
// time, so the table never claims a version it did not run), and the brokers a client cannot use.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const NODE_PEERS = ['kafkajs', 'platformatic', 'node-rdkafka', 'confluent'];
const ALL = ['rxkafka', ...NODE_PEERS, 'kcat', 'franz-go', 'java'];

// Every client runs on every broker. (Kafka's Java client reads the mock's ApiVersions answer since
// test/broker/apiversions.patch: an unsupported version is answered in the v0 layout, as Kafka does.)
const UNSUPPORTED = {};

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

/** franz-go's version as the driver's go.mod requires it, and the Go that builds it. */
function franzGoLabel() {
  const mod = fs.readFileSync(path.join(__dirname, '..', 'clients', 'franz-go', 'go.mod'), 'utf8');
  const m = /^\s*(?:require\s+)?github\.com\/twmb\/franz-go v(\S+)/m.exec(mod);
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  const g = /go version go(\S+)/.exec(`${go.stdout || ''}`);
  return `franz-go ${m ? m[1] : '?'} (Go ${g ? g[1] : '?'})`;
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
  // The librdkafka each binding runs, as it reports it (node-rdkafka: Debian's; confluent: its own),
  // asked in a process of its own as each driver runs: both libraries are librdkafka.so.1, so in
  // one process the second binding would be bound to the first one's library and report its version.
  const librdkafka = (pkg) => {
    try {
      const code = `process.stdout.write(require(${JSON.stringify(path.join(nm, pkg))}).librdkafkaVersion)`;
      return execFileSync(process.execPath, ['-e', code], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return '?'; // not installed
    }
  };
  return {
    rxkafka: `rxkafka ${pkgVersion(ROOT)}`,
    kafkajs: `KafkaJS ${pkgVersion(path.join(nm, 'kafkajs'))}`,
    platformatic: `@platformatic/kafka ${pkgVersion(path.join(nm, '@platformatic', 'kafka'))}`,
    'node-rdkafka': `node-rdkafka ${pkgVersion(path.join(nm, 'node-rdkafka'))} (librdkafka ${librdkafka('node-rdkafka')})`,
    confluent: `@confluentinc/kafka-javascript ${pkgVersion(path.join(nm, '@confluentinc', 'kafka-javascript'))} (librdkafka ${librdkafka('@confluentinc/kafka-javascript')})`,
    kcat: `kcat ${kcat} (C)`,
    'franz-go': franzGoLabel(),
    java: javaLabel(),
  };
}

module.exports = { ALL, NODE_PEERS, labels, unsupported, kafkaVersion };
