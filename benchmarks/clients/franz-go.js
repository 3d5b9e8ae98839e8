'use strict';
// franz-go (github.com/twmb/franz-go, pure Go; the version is go.mod's) through the small Go
// driver in clients/franz-go/main.go: one process, the workload in, the one JSON line out. This
// wrapper builds the driver once per source (`go build`, modules from the Go module proxy) into
// .cache/bench/franz-go/<hash of go.mod, go.sum, main.go>/ (git-ignored), then runs it and passes
// its line through; bench.sh builds it before the runs (`node clients/franz-go.js --build`), so no
// run waits for the compiler.
//
// Hand-off: `Produce(ctx, record, promise)` per record, asynchronous: one *kgo.Record per call
// (franz-go holds it until its promise has run), the value one shared []byte, the keys prebuilt
// (`key-0` … `key-999`, round-robin); one promise function for every record, counting acks and
// errors. Then `Flush`, which returns after every record's promise has run.
//
// What is timed, in the Go process: from just before the first Produce (which loads the topic's
// metadata: the bootstrap is inside, as for the Java producer, rxkafka and kcat) to Flush's return
// (the last ack), as the Java driver times from the first send() to close(). CPU is getrusage's
// user + system of the Go process (every goroutine and thread, GC included) over that span; peak
// RSS its ru_maxrss (the kernel's high-water mark, as VmHWM for the other drivers), the Go
// process's own and not this wrapper's. `records` is the promises without error.
//
// Settings (why): the harness's rule, the same batch size, linger and in-flight for every client
// that has them (kcat.js, java.js):
//   ProducerLinger 5 ms (franz-go's default 10 ms);
//   ProducerBatchMaxBytes 262144, the 256 KiB batch.size of the others (franz-go's default is
//     1,000,012 bytes, Kafka's max.message.bytes; its batches take memory as records arrive);
//   ProducerBatchCompression(NoCompression()): franz-go compresses with snappy by default, and
//     every client here sends uncompressed batches (the A-Z value would shrink to almost nothing);
//   acks=1: RequiredAcks(LeaderAck()), DisableIdempotentWrite() (franz-go is idempotent by
//     default) and MaxProduceRequestsInflightPerBroker(5) (without idempotence its default is 1);
//   acks=all: RequiredAcks(AllISRAcks()) with its default idempotence, which fixes 5 requests in
//     flight per broker (franz-go refuses the in-flight option then).
// Left at franz-go's defaults: MaxBufferedRecords 50,000 (Produce blocks beyond it; 1M records /
// 32 MiB made no difference beyond the noise at 500,000 records on the mock), and the partitioner,
// UniformBytesPartitioner(64 KiB, adaptive, keys, murmur2): keyed records go to murmur2(key) mod
// partitions, masked to 31 bits as Java's default partitioner does (kgo.KafkaHasher(murmur2)), so
// every key lands where the Java producer and rxkafka put it; keyless records stick to one
// partition for 64 KiB and then move (KIP-794's uniform sticky, by bytes; Java switches at
// batch.size, 256 KiB here), the adaptive part preferring partitions with less backlog.
//
// Neither broker needs an option: franz-go sends ApiVersions v5, the mock answers
// UNSUPPORTED_VERSION in the v0 layout with its highest, v2 (as Kafka does), and franz-go asks
// again at v2, then uses the versions the mock lists (Metadata v12, InitProducerId v4, Produce
// v10 here); on Kafka 4.4 v5 is answered directly.
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const SOURCE = path.join(__dirname, 'franz-go');
const CACHE = path.join(__dirname, '..', '..', '.cache', 'bench', 'franz-go');
const FILES = ['go.mod', 'go.sum', 'main.go'];

/** The driver's binary for the current source, built when missing; returns its path. */
function build() {
  const hash = crypto.createHash('sha256');
  for (const f of FILES) hash.update(f).update(fs.readFileSync(path.join(SOURCE, f)));
  const dir = path.join(CACHE, hash.digest('hex').slice(0, 16));
  const bin = path.join(dir, 'franz-go-bench');
  if (fs.existsSync(bin)) return bin;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error) {
    throw new Error(`franz-go: \`go\` is needed to build the driver in ${path.relative(process.cwd(), SOURCE)} (${go.error.code}); install Go ${goDirective()} or later, or leave franz-go out with --clients`);
  }
  fs.mkdirSync(dir, { recursive: true });
  // Built beside its final name and renamed: a run never finds a half-written binary.
  const tmp = `${bin}.${process.pid}.tmp`;
  process.stderr.write(`bench: building the franz-go driver (${go.stdout.trim()}) into ${path.relative(process.cwd(), dir)}\n`);
  const b = spawnSync('go', ['build', '-o', tmp, '.'], { cwd: SOURCE, stdio: ['ignore', 'inherit', 'inherit'] });
  if (b.status !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`franz-go: go build exited ${b.status ?? b.signal} in ${SOURCE}`);
  }
  fs.renameSync(tmp, bin);
  return bin;
}

function goDirective() {
  const m = /^go (\S+)/m.exec(fs.readFileSync(path.join(SOURCE, 'go.mod'), 'utf8'));
  return m ? m[1] : '?';
}

function main() {
  if (process.argv[2] === '--build') {
    build();
    return;
  }
  const w = JSON.parse(process.argv[2]);
  if (w.rate) throw new Error('franz-go: no latency mode (the paced mode is the Node drivers\')');
  const child = spawn(build(), [process.argv[2]], { stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('error', (err) => {
    process.stderr.write(`franz-go: ${err.message}\n`);
    process.exit(1);
  });
  child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

try {
  main();
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
