'use strict';
// RecordBatchBuilder: a 16 KiB batch filled with records until the next does not fit (the
// accumulator's check: recordSizeUpperBound, hasRoomFor, append), then close() and bytes(), which
// computes the CRC-32C. One op is one whole batch; the builder reuses one buffer, as the pool does.
const { payload, NOW_MS, BATCH_BYTES } = require('../fixtures');

function fillCase(valueBytes) {
  return {
    name: `batch/fill-16KiB-${valueBytes}B`,
    unit: 'batch',
    guards: `RecordBatchBuilder: ${valueBytes} B keyless records appended until 16 KiB is full, close(), bytes() with its CRC-32C`,
    setup(internals) {
      const { RecordBatchBuilder, recordSizeUpperBound } = internals.load('protocol/RecordBatch');
      const { CRC_POS, RECORDS_COUNT_POS } = internals.load('protocol/recordBatchLayout');
      const buffer = Buffer.allocUnsafe(BATCH_BYTES);
      const value = payload(valueBytes);
      const fill = () => {
        const builder = new RecordBatchBuilder(buffer, NOW_MS);
        for (let i = 0; builder.hasRoomFor(recordSizeUpperBound(-1, valueBytes, null)); i++) {
          builder.append(NOW_MS + i, null, value, null);
        }
        return builder.bytes();
      };
      return {
        unit: `batch (${fill().readInt32BE(RECORDS_COUNT_POS)} records)`,
        run(n) {
          let crc = 0;
          for (let i = 0; i < n; i++) crc ^= fill().readUInt32BE(CRC_POS);
          return crc;
        },
      };
    },
  };
}

module.exports = [fillCase(100), fillCase(1000)];
