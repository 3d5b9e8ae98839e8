// zstd is WebAssembly compiled asynchronously once per process (src/compression/zstd.ts). The
// producer waits for it on its own; tests that compress or decode zstd synchronously (codecs,
// the batch decoder) need it loaded first.
import { zstdReady } from '../../src/compression';

beforeAll(() => zstdReady());
