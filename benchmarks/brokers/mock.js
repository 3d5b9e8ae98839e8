'use strict';
// The mock broker for bench.js and latency.js: librdkafka 2.12's mock cluster (mockCluster.js),
// a fresh one for every run — no run inherits another's log, producer ids or connections, and
// starting one takes milliseconds. What each client costs, with a broker that costs almost nothing.
const { startMockCluster } = require('../mockCluster');
const { BROKER } = require('../lib/output');

const PARTITIONS = 6;

function mockBroker() {
  return {
    id: 'mock',
    label: "librdkafka 2.12's mock cluster",
    description: BROKER,
    async open() {},
    async close() {},
    /** A fresh 3-broker mock cluster with the topic; release() stops it. */
    async prepare(client) {
      const cluster = await startMockCluster({ brokers: 3 });
      const topic = 'bench';
      try {
        await cluster.command(`topic ${topic} ${PARTITIONS} 3`);
        // @platformatic/kafka 1.x speaks ApiVersions v3 only (see clients/platformatic-mock-hooks.mjs).
        // Only for its runs: librdkafka 2.0.2 (kcat, node-rdkafka) cannot read the mock's v3 answer.
        if (client === 'platformatic') await cluster.command('apiversion 18 0 3');
      } catch (err) {
        cluster.stop();
        throw err;
      }
      return {
        bootstrap: cluster.bootstrap,
        topic,
        partitions: PARTITIONS,
        // Before the end offsets are read with kcat, which needs the v0-v2 answer back.
        async afterDriver() {
          if (client === 'platformatic') await cluster.command('apiversion 18 0 2');
        },
        async release() {
          cluster.stop();
        },
      };
    },
  };
}

module.exports = { mockBroker };
