'use strict';
// What a Produce request costs the producer's process to write, record batches copied into the
// frame or referenced by it (Writer.ts's cost model, issue 12): RequestWriter writes requests of
// B batches of S bytes to a loopback socket whose reader, a child process, discards them, and the
// writer's CPU (user + system) per request is reported for each threshold, best of R processes
// (the measurements behind SHARE_MIN_BYTES and GATHERED_WRITE_COST_BYTES, in src/protocol/Writer.ts). Runs the .ts sources.
//
//   node benchmarks/gatheredWrite.js                          # the shapes below, 5 processes each
//   node benchmarks/gatheredWrite.js --shape 6x16384 --processes 3 --requests 10000
//
// A hot-path case (produce/encode-*) times the encoding only; the cost of a gathered write (one
// more Writable.write entry and iovec per chunk, cork/uncork) is in the socket, hence this.
const path = require('path');
const net = require('net');
const { spawn, spawnSync } = require('child_process');

const ROOT = path.join(__dirname, '..');
const SHAPES = ['6x16384', '6x8192', '30x4096', '6x1024', '6x256', '1x16384'];
/** Referenced from 0 bytes (every batch) vs never (every batch copied). */
const THRESHOLDS = [0, Number.MAX_SAFE_INTEGER];

function parse(argv) {
  const opts = { shapes: SHAPES, processes: 5, requests: 20000 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--shape') opts.shapes = [argv[++i]];
    else if (argv[i] === '--processes') opts.processes = Number(argv[++i]);
    else if (argv[i] === '--requests') opts.requests = Number(argv[++i]);
    else if (argv[i] === '--child') {
      opts.child = argv.slice(i + 1);
      break;
    } else throw new Error(`unknown option ${argv[i]}`);
  }
  return opts;
}

/** One process: one shape at one threshold; prints {usPerRequest}. */
function child([shape, thresholdText, requestsText]) {
  require(path.join(ROOT, 'test', 'soak', 'register.js'));
  const load = (rel) => require(path.join(ROOT, 'src', rel));
  const writerModule = load('protocol/Writer');
  const { RequestWriter } = load('network/RequestWriter');
  const { Produce } = load('protocol/Produce');
  const { ProducerBatch } = load('accumulator/ProducerBatch');
  const { recordSizeUpperBound } = load('protocol/RecordBatch');
  const { buildProduceRequest } = load('sender/produceRequest');
  const threshold = Number(thresholdText);
  const requests = Number(requestsText);
  // Writer and Produce read these through the module's exports (CommonJS, as TypeScript emits
  // it): every batch of at least `threshold` bytes referenced, whatever the request's total.
  writerModule.SHARE_MIN_BYTES = threshold;
  writerModule.GATHERED_WRITE_COST_BYTES = 0;
  const [count, bytes] = shape.split('x').map(Number);
  const valueBytes = Math.min(100, bytes >> 2);
  const batches = Array.from({ length: count }, (_, p) => {
    const b = ProducerBatch.open('events', p, 0, Buffer.allocUnsafe(bytes));
    const value = Buffer.alloc(valueBytes, 1);
    const bound = recordSizeUpperBound(-1, valueBytes, null);
    for (let i = 0; b.hasRoomFor(bound); i++) b.append(i, null, value, null, i);
    b.close();
    b.records();
    return b;
  });
  const reader = spawn(
    process.execPath,
    ['-e', "const s = require('net').createServer((c) => { c.resume(); c.on('end', () => process.exit(0)); }); s.listen(0, '127.0.0.1', () => console.log(s.address().port));"],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  reader.stdout.once('data', (port) => {
    const socket = net.connect(Number(String(port).trim()), '127.0.0.1', async () => {
      socket.setNoDelay(true);
      const out = new RequestWriter(socket);
      let wake = null;
      socket.on('drain', () => {
        out.drain();
        if (wake !== null && !out.isWaitingForDrain) wake();
      });
      const send = async (n) => {
        for (let i = 0; i < n; i++) {
          out.write(out.encode(Produce, 9, i, 'rxkafka', buildProduceRequest(batches, 1, 30000)), null);
          // As the sender: a few requests per turn of the event loop, waiting while the socket is full.
          if (out.isWaitingForDrain) await new Promise((resolve) => (wake = resolve)).then(() => (wake = null));
          else if ((i & 3) === 3) await new Promise((resolve) => setImmediate(resolve));
        }
      };
      await send(Math.ceil(requests / 5)); // warm-up
      const before = process.cpuUsage();
      await send(requests);
      const used = process.cpuUsage(before);
      console.log(JSON.stringify({ usPerRequest: (used.user + used.system) / requests }));
      socket.end();
    });
  });
}

function main(opts) {
  console.log(`| shape (batches × bytes) | referenced, µs/request | copied, µs/request | referenced / copied |`);
  console.log(`|---|---|---|---|`);
  for (const shape of opts.shapes) {
    const best = THRESHOLDS.map(() => Infinity);
    for (let p = 0; p < opts.processes; p++) {
      THRESHOLDS.forEach((t, i) => {
        const run = spawnSync(process.execPath, [__filename, '--child', shape, String(t), String(opts.requests)], { encoding: 'utf8' });
        if (run.status !== 0) throw new Error(`${shape} at ${t}: ${run.stderr}`);
        best[i] = Math.min(best[i], JSON.parse(run.stdout.trim().split('\n').pop()).usPerRequest);
      });
    }
    console.log(`| ${shape} | ${best[0].toFixed(2)} | ${best[1].toFixed(2)} | ${(best[0] / best[1]).toFixed(2)} |`);
  }
}

const opts = parse(process.argv.slice(2));
if (opts.child) child(opts.child);
else main(opts);
