'use strict';
// Issue 4's workloads. Throughput (bench.js): 100 B and 1000 B values; acks=1 (idempotence off)
// and acks=all with idempotence; keyless and keyed (1000 distinct keys). Latency (latency.js):
// 1000 B keyless at a fixed rate, both acks settings, each client's defaults and linger 0.

const acksName = (acks) => `acks=${acks === 'all' ? 'all+idem' : '1'}`;

function workloads(records) {
  const out = [];
  for (const recordSize of [100, 1000]) {
    for (const acks of ['1', 'all']) {
      for (const keyed of [false, true]) {
        const name = `${recordSize} B, ${acksName(acks)}, ${keyed ? 'keyed' : 'keyless'}`;
        const id = `${recordSize}-acks${acks}-${keyed ? 'keyed' : 'keyless'}`;
        out.push({ id, name, records, recordSize, acks, keyed });
      }
    }
  }
  return out;
}

/**
 * The paced workloads: `rate` records/s for `warmupSeconds` + `seconds`. The drivers measure the
 * records released after the warm-up; the broker must hold all of them.
 */
function latencyWorkloads({ rate, seconds, warmupSeconds }) {
  const recordSize = 1000;
  const records = Math.round(rate * (warmupSeconds + seconds));
  const out = [];
  // Each client's defaults, then with linger 0 — what a user who wants latency sets on the clients
  // that linger (rxkafka's lingerMs and librdkafka's linger.ms default to 5 ms; KafkaJS and
  // @platformatic/kafka have no linger, so they run the same way in both).
  for (const linger0 of [false, true]) {
    for (const acks of ['1', 'all']) {
      out.push({
        id: `${recordSize}-acks${acks}-keyless${linger0 ? '-linger0' : ''}`,
        name: `${recordSize} B, ${acksName(acks)}, keyless${linger0 ? ', linger 0' : ''}`,
        records,
        recordSize,
        acks,
        keyed: false,
        rate,
        warmupMs: warmupSeconds * 1000,
        linger0,
      });
    }
  }
  return out;
}

module.exports = { workloads, latencyWorkloads };
