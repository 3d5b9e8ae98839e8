'use strict';
// The Java producer (Apache Kafka's kafka-clients, the design rxkafka follows), run by Kafka's own
// ProducerPerformance (kafka-producer-perf-test, from kafka-tools) through test/kafka/kafka.sh
// (the jars test/kafka/setup.sh fetched; the JVM as Kafka's script starts it: -Xmx512m, default GC).
//
// Workload: --num-records N --throughput -1 (unthrottled). Values: --payload-file with one line
// of the same A-Z value the Node drivers send, so every record carries that one byte[] as theirs
// carry one Buffer (--record-size would refill the value with random letters for every record, a
// cost of the tool, not of the producer). Keyed: --key-distribution range --record-key-range 1000
// (Kafka 4.x; earlier versions send no keys): keys "0".."999" round-robin, a new byte[] per
// record, 1-3 bytes where the Node drivers' are "key-0".."key-999"; placed by the client's
// murmur2 partitioner, Java's default.
//
// Settings (why): the same as kcat's and node-rdkafka's (and rxkafka's) in this harness —
// linger.ms 5, batch.size 256 KiB, max.in.flight 5, acks=1 with idempotence off or acks=all with
// it on; buffer.memory its default 32 MiB (rxkafka's default too). Keyless records use the
// client's built-in partitioner (uniform sticky, KIP-794).
//
// What is timed: ProducerPerformance's own clock, read from its final summary line ("N records
// sent, X records/sec …"). It starts after the KafkaProducer is constructed, just before the first
// send(), which waits for the bootstrap connection and the topic's Metadata (inside, as for
// rxkafka and kcat); it stops after producer.close() returns, so after the last ack and the sender
// thread's shutdown. JVM start and class loading are outside; the JIT's warm-up is inside (the
// loop starts interpreted, as the Node clients' code starts unoptimised). `records` is the
// summary's count, which counts successful callbacks only.
//
// CPU and memory are the JVM's (every thread: the sender, GC, JIT), read from /proc/<pid>: CPU is
// user + system time between the line "Warmup first 1 records" (--warmup-records 1 prints it just
// before its clock starts; the steady-state line it adds is ignored) and the summary line, so the
// JVM's start-up is left out as the Node drivers leave out module loading; /proc counts in clock
// ticks (10 ms). Peak RSS is VmHWM when the summary line arrives: the whole run's high-water mark.
// kafka.sh runs the JVM with exec, so the child's pid is the JVM's.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { workload, payloads, run, KEY_COUNT } = require('./common');

const KAFKA_SH = path.join(__dirname, '..', '..', 'test', 'kafka', 'kafka.sh');
const SUMMARY = /^(\d+) records sent, ([\d.]+) records\/sec/;
const CLOCK_START = /^Warmup first /;

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** user + system CPU seconds of process `pid` (all its threads, ended ones included). */
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at the 3rd; utime, stime are 14th, 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function peakRss(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : null;
}

run(async () => {
  const w = workload();
  if (w.rate) throw new Error('java: no latency mode (ProducerPerformance reports no per-record ack time to compare)');
  const { value } = payloads(w);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-java-'));
  const payloadFile = path.join(dir, 'payload');
  fs.writeFileSync(payloadFile, `${value.toString('latin1')}\n`);
  const props = {
    'client.id': 'bench-java',
    acks: w.idempotent ? 'all' : '1',
    'enable.idempotence': String(w.idempotent),
    'linger.ms': '5',
    'batch.size': '262144',
    'max.in.flight.requests.per.connection': '5',
  };
  const args = [KAFKA_SH, 'producer-perf', '--bootstrap-server', w.bootstrap, '--topic', w.topic];
  args.push('--num-records', String(w.records), '--throughput', '-1', '--payload-file', payloadFile);
  args.push('--warmup-records', '1', '--reporting-interval', '3600000');
  if (w.keyed) args.push('--key-distribution', 'range', '--record-key-range', String(KEY_COUNT));
  args.push('--command-property', ...Object.entries(props).map(([k, v]) => `${k}=${v}`));
  // stderr to a file: Kafka's log4j configuration opens /dev/stderr, which fails on a socket (Node's pipes).
  const errPath = path.join(dir, 'stderr');
  const errFd = fs.openSync(errPath, 'w');
  const child = spawn('bash', args, { stdio: ['ignore', 'pipe', errFd] });
  fs.closeSync(errFd);
  let cpuAtStart = null;
  let summary = null;
  const lines = readline.createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    try {
      if (CLOCK_START.test(line)) cpuAtStart = cpuSeconds(child.pid);
      const m = SUMMARY.exec(line);
      if (m && !summary) summary = { records: Number(m[1]), rps: Number(m[2]), cpu: cpuSeconds(child.pid), rss: peakRss(child.pid) };
    } catch (err) {
      // /proc/<pid> gone: the JVM exited first; reported below as a missing figure.
      process.stderr.write(`java: reading /proc/${child.pid}: ${err.message}\n`);
    }
  });
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const stderr = fs.readFileSync(errPath, 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  // A failed send is printed (a stack trace) and left out of the summary's count.
  if (code !== 0 || !summary) {
    throw new Error(`ProducerPerformance exited ${code}${summary ? '' : ' without its summary line'}: ${stderr.split('\n').filter((l) => !/^\s+at /.test(l)).slice(0, 6).join(' | ')}`);
  }
  const line = {
    records: summary.records,
    seconds: summary.records / summary.rps,
    recordsPerSec: Math.round(summary.rps),
    cpuSeconds: cpuAtStart == null ? null : summary.cpu - cpuAtStart,
    peakRssBytes: summary.rss,
    // Not in the tables: the JVM's CPU before the clock (start-up, class loading, the producer's construction).
    startupCpuSeconds: cpuAtStart,
  };
  process.stdout.write(JSON.stringify(line) + '\n');
  if (summary.records !== w.records) process.exitCode = 1;
});
