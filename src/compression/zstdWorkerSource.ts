/**
 * The program of a zstd worker thread (ZstdWorkers.ts), as source text run with `eval: true`: the
 * same text works whether rxkafka runs from dist/ (JavaScript) or from its TypeScript sources
 * under ts-jest, where a worker file path would name a .ts file Node cannot load.
 *
 * Protocol, one message each way per batch, answered in the order received:
 *   in   { id, level, input: ArrayBuffer, length }   the records section in input's first
 *                                                    `length` bytes, transferred
 *   out  { id, input, compressed: Uint8Array }       one zstd frame; both buffers transferred back
 *     |  { id, input, error: string }                zstd refused (the batch goes uncompressed)
 * The input buffer goes back so that the parent reuses it: no buffer is allocated per batch for
 * the input on either side.
 *
 * `workerData.zstdPath` is @bokuweb/zstd-wasm as the parent resolved it (an eval'd program
 * resolves bare names from the working directory, not from rxkafka's node_modules).
 */
export const ZSTD_WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const zstd = require(workerData.zstdPath);
// Compiling the WebAssembly module is asynchronous; messages wait for it, in order.
const ready = zstd.init();
parentPort.on('message', (job) => {
  ready.then(() => {
    let compressed;
    try {
      compressed = zstd.compress(new Uint8Array(job.input, 0, job.length), job.level);
    } catch (err) {
      parentPort.postMessage({ id: job.id, input: job.input, error: String(err && err.message || err) }, [job.input]);
      return;
    }
    parentPort.postMessage({ id: job.id, input: job.input, compressed }, [job.input, compressed.buffer]);
  }, (err) => parentPort.postMessage({ id: job.id, input: job.input, error: 'the WebAssembly module did not load: ' + String(err && err.message || err) }, [job.input]));
});
`;
