'use strict';
// Issue 4's workloads. Throughput (bench.js): 100 B and 1000 B values; acks=1 (idempotence off)
// and acks=all with idempotence; keyless and keyed (1000 distinct keys). Latency (latency.js):
// 1000 B keyless at a fixed rate, both acks settings.

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
  return ['1', 'all'].map((acks) => ({
    id: `${recordSize}-acks${acks}-keyless`,
    name: `${recordSize} B, ${acksName(acks)}, keyless`,
    records,
    recordSize,
    acks,
    keyed: false,
    rate,
    warmupMs: warmupSeconds * 1000,
  }));
}

module.exports = { workloads, latencyWorkloads };
