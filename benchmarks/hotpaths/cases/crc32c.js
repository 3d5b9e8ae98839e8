'use strict';
// CRC-32C, both implementations crc32c.ts chooses between: @node-rs/crc32 (native; crc32c() uses
// it from 512 B) and crc-32's table-driven JS (below that, and everywhere when the native binary
// is missing or RXKAFKA_CRC32C=js). 16 KiB is a default batch; 300 B a batch of one small record.
const crypto = require('crypto');

function crcCase(bytes, label, impl) {
  return {
    name: `crc32c/${label}-${impl}`,
    unit: label,
    guards: `CRC-32C of ${label} with the ${impl === 'native' ? 'native @node-rs/crc32' : 'JS crc-32'} implementation`,
    setup(internals) {
      const { nativeCrc32c, jsCrc32c } = internals.load('protocol/crc32c');
      // null when the binary is not there for this platform, or RXKAFKA_CRC32C=js: skipped.
      const crc = impl === 'native' ? nativeCrc32c : jsCrc32c;
      if (crc === null) return { skip: 'the native CRC-32C is not loaded (no binary for this platform, or RXKAFKA_CRC32C=js)' };
      const data = crypto.randomFillSync(Buffer.allocUnsafe(bytes));
      return {
        run(n) {
          let x = 0;
          for (let i = 0; i < n; i++) x ^= crc(data);
          return x;
        },
      };
    },
  };
}

module.exports = [
  crcCase(16 * 1024, '16KiB', 'native'),
  crcCase(16 * 1024, '16KiB', 'js'),
  crcCase(300, '300B', 'native'),
  crcCase(300, '300B', 'js'),
];
