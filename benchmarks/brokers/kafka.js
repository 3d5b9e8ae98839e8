'use strict';
// The Apache Kafka broker for bench.js: the test suite's own 3-node KRaft cluster
// (test/support/KafkaCluster.ts, run by test/kafka/kafka.sh), what a user's producer talks to.
//
// The TypeScript class is loaded as it is, through the project's transpile-on-require hook
// (test/soak/register.js: TypeScript's own transpileModule, from the root devDependencies): one
// cluster launcher for the tests, the soak and the benchmarks, no second copy in JavaScript to
// drift from it, and no build step or ts-node.
//
// One cluster per round, one topic per run. A fresh cluster per run would add its start (~10 s
// here, more under load) to each of the round's runs and measure every client against a cold broker;
// one per round keeps the rounds independent (fresh JVMs and logs each round) while the client
// order rotates between rounds. Each run gets a fresh topic of 6 partitions, replication factor
// 3, min.insync.replicas 2, created with Kafka's TopicCommand before the driver starts and
// deleted after the end offsets are read, so that no run produces to another's log and the
// data of a round (up to 1.5 GB per run at 1000 B) does not pile up on disk and in the page cache.
// The cluster takes a short warm-up produce (kcat) before the first run: the broker's code is
// compiled and its threads started before a client is measured.
const { spawn } = require('node:child_process');

require('../../test/soak/register.js');
const { KafkaCluster, defaultKafkaVersion } = require('../../test/support/KafkaCluster.ts');

const PARTITIONS = 6;
const WARMUP_RECORDS = 50_000;

function kafkaBroker() {
  const version = defaultKafkaVersion();
  let cluster = null;
  let topics = 0;
  // KafkaCluster unrefs its node processes (a test file may end without them); the bench holds the
  // event loop itself while the cluster is open, or Node would exit while a node starts.
  let keepAlive = null;
  return {
    id: 'kafka',
    label: `Apache Kafka ${version}, 3 brokers`,
    description:
      `Broker: Apache Kafka ${version}, 3 KRaft nodes (broker and controller each) on loopback, the test suite's nodes ` +
      `(test/support/KafkaCluster.ts: 320 MB heap, C1 compiler, SerialGC, no fsync), started once per round; ` +
      `a fresh topic of 6 partitions, replication factor 3, min.insync.replicas 2 per run; on the same machine; no compression.`,
    version,
    async open() {
      keepAlive = setInterval(() => {}, 60_000);
      try {
        // Deleted topics' files go at once, not after the default 60 s, so the disk stays quiet.
        cluster = await KafkaCluster.start({ nodes: 3, version, brokerConfig: { 'log.segment.delete.delay.ms': 0 } });
        await cluster.createTopic('warmup', PARTITIONS);
        await warmUp(cluster.bootstrap, 'warmup');
        await deleteTopic(cluster, 'warmup');
      } catch (err) {
        await this.close();
        throw err;
      }
    },
    async close() {
      if (cluster) await cluster.stop();
      cluster = null;
      clearInterval(keepAlive);
    },
    async prepare() {
      if (!cluster) throw new Error('kafkaBroker: prepare() before open()');
      const topic = `bench-${++topics}`;
      await cluster.createTopic(topic, PARTITIONS);
      const c = cluster;
      return {
        bootstrap: c.bootstrap,
        topic,
        partitions: PARTITIONS,
        async afterDriver() {},
        async release() {
          await deleteTopic(c, topic);
        },
      };
    },
  };
}

function deleteTopic(cluster, topic) {
  return cluster.tool('topics', ['--bootstrap-server', cluster.bootstrap, '--delete', '--topic', topic]);
}

/** WARMUP_RECORDS of 1000 B through kcat, acks=all: the broker's produce path runs before it is measured. */
function warmUp(bootstrap, topic) {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-P', '-b', bootstrap, '-t', topic, '-X', 'acks=all', '-X', 'linger.ms=5'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`warm-up produce (kcat) exited ${code}: ${stderr.trim().slice(-400)}`))));
    child.stdin.end(`${'W'.repeat(1000)}\n`.repeat(WARMUP_RECORDS));
  });
}

module.exports = { kafkaBroker };
