'use strict';
// Issue 4's eight workloads: 100 B and 1000 B values; acks=1 (idempotence off) and acks=all with
// idempotence; keyless and keyed (1000 distinct keys).
function workloads(records) {
  const out = [];
  for (const recordSize of [100, 1000]) {
    for (const acks of ['1', 'all']) {
      for (const keyed of [false, true]) {
        const name = `${recordSize} B, acks=${acks === 'all' ? 'all+idem' : '1'}, ${keyed ? 'keyed' : 'keyless'}`;
        const id = `${recordSize}-acks${acks}-${keyed ? 'keyed' : 'keyless'}`;
        out.push({ id, name, records, recordSize, acks, keyed });
      }
    }
  }
  return out;
}

module.exports = { workloads };
