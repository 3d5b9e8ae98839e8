'use strict';
// A Produce request for one drain of one broker (buildProduceRequest over closed batches, then
// the frame: size, header v2, body, as RequestWriter encodes it), and the decoding of a Produce
// response as completeResponse does it. Version 9 (flexible; v10 and v11 encode the same).
const { fullBatch, produceResponse } = require('../fixtures');

const VERSION = 9;
// Writer.ts's SHARE_MIN_BYTES and GATHERED_WRITE_COST_BYTES: a request's batches are referenced
// by the frame when what that saves pays for the gathered write, else copied.
const SHARE_MIN_BYTES = 6 * 1024;
const GATHERED_WRITE_COST_BYTES = 32 * 1024;

function encodeCase(batchCount, batchBytes, label) {
  return {
    name: `produce/encode-${batchCount}x${label}`,
    unit: `request (${batchCount} × ${label})`,
    guards:
      `buildProduceRequest + encodeRequestChunks of ${batchCount} batches of ${label}` +
      (batchCount * Math.max(0, batchBytes - SHARE_MIN_BYTES) >= GATHERED_WRITE_COST_BYTES ? ': the batches are referenced, not copied (Writer.sharedBytes)' : ': the batches are copied into the frame'),
    setup(internals) {
      const { buildProduceRequest } = internals.load('sender/produceRequest');
      const { encodeRequestChunks } = internals.load('protocol/frame');
      const { Produce } = internals.load('protocol/Produce');
      const { Writer } = internals.load('protocol/Writer');
      const batches = Array.from({ length: batchCount }, (_, p) => fullBatch(internals, 'events', p, 1000, batchBytes));
      const writer = new Writer(16 * 1024);
      return {
        run(n) {
          let chunks = 0;
          for (let i = 0; i < n; i++) {
            const request = buildProduceRequest(batches, -1, 30000);
            chunks += encodeRequestChunks(writer, Produce, VERSION, i, 'rxkafka', request).length;
          }
          return chunks;
        },
      };
    },
  };
}

const decodeResponseCase = {
  name: 'produce/decode-response-6p',
  unit: 'response (6 partitions)',
  guards: 'readResponseHeader + Produce.decodeResponse of a 6-partition v9 response (bounds checks, BigInt offsets, tags)',
  setup(internals) {
    const { Produce } = internals.load('protocol/Produce');
    const { Reader } = internals.load('protocol/Reader');
    const { readResponseHeader } = internals.load('protocol/headers');
    const frame = produceResponse(internals, 7, 6);
    return {
      run(n) {
        let partitions = 0;
        for (let i = 0; i < n; i++) {
          const r = new Reader(frame);
          readResponseHeader(r, Produce.responseHeaderVersion(VERSION));
          partitions += Produce.decodeResponse(r, VERSION).topics[0].partitions.length;
        }
        return partitions;
      },
    };
  },
};

module.exports = [encodeCase(30, 4 * 1024, '4KiB'), encodeCase(6, 16 * 1024, '16KiB'), encodeCase(4, 256 * 1024, '256KiB'), decodeResponseCase];
