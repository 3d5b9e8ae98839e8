'use strict';
// FrameDecoder cutting a connection's byte stream into response frames: 256 Produce responses
// (6 partitions each, ~150 B with the size prefix) as one coalesced chunk (many responses in one
// socket read, the loaded case) and as 1460 B chunks (one TCP segment each: frames split across
// chunks are copied once).
const { produceResponse } = require('../fixtures');

const FRAMES = 256;

/** The stream: FRAMES size-prefixed responses back to back. */
function responseStream(internals) {
  const parts = [];
  for (let i = 0; i < FRAMES; i++) {
    const body = produceResponse(internals, i, 6);
    const size = Buffer.allocUnsafe(4);
    size.writeInt32BE(body.length, 0);
    parts.push(size, body);
  }
  return Buffer.concat(parts);
}

function frameCase(chunkBytes, label) {
  return {
    name: `frames/${label}`,
    unit: 'frame',
    guards: `FrameDecoder.push of ${FRAMES} responses in ${chunkBytes === Infinity ? 'one chunk' : `${chunkBytes} B chunks`}`,
    setup(internals) {
      const { FrameDecoder } = internals.load('network/FrameDecoder');
      const stream = responseStream(internals);
      const chunks = [];
      for (let at = 0; at < stream.length; at += Math.min(chunkBytes, stream.length)) {
        chunks.push(stream.subarray(at, Math.min(at + chunkBytes, stream.length)));
      }
      let frameBytes = 0;
      const decoder = new FrameDecoder(1 << 20, (frame) => {
        frameBytes += frame.length;
      });
      return {
        opsPerIteration: FRAMES,
        run(n) {
          for (let i = 0; i < n; i++) for (let c = 0; c < chunks.length; c++) decoder.push(chunks[c]);
          return frameBytes;
        },
      };
    },
  };
}

module.exports = [frameCase(Infinity, 'coalesced'), frameCase(1460, 'split-1460B')];
