'use strict';
// Varint writes as RecordBatchBuilder and Writer make them: zigzag varints (record lengths,
// offset deltas, key/value lengths) and varlongs (timestamp deltas), mixed sizes.

const VARINTS = [0, 1, -1, 63, 64, 100, 1000, -300, 8191, 16384, 100000, 2 ** 20, 2 ** 28, -(2 ** 31), 2 ** 31 - 1, 42];
// Timestamp deltas (small) and values past int32 (the slow path of writeVarlong).
const VARLONGS = [0, 1, 5, 17, 250, 1000, 60000, 3600000, 2 ** 31, 2 ** 40, -1, -(2 ** 33), 1_700_000_000_000, 3, 9, 2 ** 35];

function varintCase(kind, values) {
  return {
    name: `varint/write-${kind}`,
    unit: 'value',
    guards: `${kind === 'varint' ? 'writeVarint' : 'writeVarlong'} into a Buffer, ${values.length} values from 1 to ${kind === 'varint' ? 5 : 6} bytes`,
    setup(internals) {
      const write = internals.load('protocol/varint')[kind === 'varint' ? 'writeVarint' : 'writeVarlong'];
      const buf = Buffer.allocUnsafe(values.length * 10);
      return {
        opsPerIteration: values.length,
        run(n) {
          let pos = 0;
          for (let i = 0; i < n; i++) {
            pos = 0;
            for (let j = 0; j < values.length; j++) pos = write(buf, pos, values[j]);
          }
          return pos;
        },
      };
    },
  };
}

module.exports = [varintCase('varint', VARINTS), varintCase('varlong', VARLONGS)];
