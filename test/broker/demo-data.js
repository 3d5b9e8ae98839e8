'use strict';
// The demo's data (test/broker/demo.sh), both ends:
//
//   node test/broker/demo-data.js generate N
//       writes N ndjson records to stdout, record `seq` = {"seq":seq,"user":"u…","action":"…"}
//   kcat -C … -f '%p %o %k %s\n' | node test/broker/demo-data.js verify N SUMMARY.json
//       checks what kcat read back against what `generate N` wrote and what the CLI's summary
//       (SUMMARY.json, the last stdout line of `rxkafka produce`) says was acked; prints a short
//       report and exits 1 on any difference.
//
// Records are a pure function of `seq`, so verify regenerates each one and compares it byte for
// byte: nothing is kept from the producing side except the CLI's own summary.

const fs = require('node:fs');

const USERS = 10000;
const ACTIONS = ['view', 'click', 'cart', 'buy', 'leave'];

function userOf(seq) {
  // Scattered, deterministic: consecutive records belong to different users.
  return `u${(seq * 7919) % USERS}`;
}

function line(seq) {
  return `{"seq":${seq},"user":"${userOf(seq)}","action":"${ACTIONS[seq % ACTIONS.length]}"}`;
}

function generate(n) {
  const out = process.stdout;
  // The consumer (the CLI) may stop early; its exit code tells the story, not our EPIPE.
  out.on('error', (err) => process.exit(err.code === 'EPIPE' ? 0 : 1));
  let seq = 0;
  const write = () => {
    while (seq < n) {
      const end = Math.min(n, seq + 2000);
      let chunk = '';
      for (; seq < end; seq++) chunk += line(seq) + '\n';
      if (!out.write(chunk)) {
        out.once('drain', write);
        return;
      }
    }
  };
  write();
}

/** Splits stdin into lines without holding more than one chunk. */
async function* stdinLines() {
  let carry = '';
  for await (const chunk of process.stdin) {
    const text = carry + chunk.toString('utf8');
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      yield text.slice(start, nl);
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  if (carry.length > 0) yield carry;
}

async function verify(n, summaryPath) {
  let summary = null;
  try {
    summary = JSON.parse(fs.readFileSync(summaryPath, 'utf8').trim().split('\n').pop());
  } catch {
    // No summary: the CLI failed before printing it; reported below.
  }
  const problems = [];
  const note = (msg) => {
    if (problems.length < 10) problems.push(msg);
    else if (problems.length === 10) problems.push('… (more problems not shown)');
  };

  const seen = new Uint8Array(n);
  /** per partition: { count, firstOffset, lastOffset, gaps } */
  const partitions = new Map();
  /** key → partition, to check that a key never spans partitions */
  const partitionOfKey = new Map();
  let read = 0;
  let duplicates = 0;
  let foreign = 0;
  for await (const text of stdinLines()) {
    if (text.length === 0) continue;
    read++;
    // '%p %o %k %s': the key has no space, the value is compact JSON.
    const a = text.indexOf(' ');
    const b = text.indexOf(' ', a + 1);
    const c = text.indexOf(' ', b + 1);
    const p = Number(text.slice(0, a));
    const offset = Number(text.slice(a + 1, b));
    const key = text.slice(b + 1, c);
    const value = text.slice(c + 1);

    let part = partitions.get(p);
    if (part === undefined) {
      part = { count: 0, firstOffset: offset, lastOffset: offset - 1, keys: 0 };
      partitions.set(p, part);
    }
    if (offset !== part.lastOffset + 1) note(`partition ${p}: offset ${offset} follows ${part.lastOffset}`);
    part.lastOffset = offset;
    part.count++;

    let seq = -1;
    const m = /^\{"seq":(\d+),/.exec(value);
    if (m !== null) seq = Number(m[1]);
    if (seq < 0 || seq >= n || value !== line(seq)) {
      foreign++;
      note(`partition ${p} offset ${offset}: unexpected value ${value.slice(0, 80)}`);
      continue;
    }
    if (seen[seq] === 1) {
      duplicates++;
      note(`record seq ${seq} read twice (again at partition ${p} offset ${offset})`);
    }
    seen[seq] = 1;
    if (key !== userOf(seq)) note(`record seq ${seq}: key '${key}', expected '${userOf(seq)}' (its user field)`);
    const keyPartition = partitionOfKey.get(key);
    if (keyPartition === undefined) {
      partitionOfKey.set(key, p);
      part.keys++;
    } else if (keyPartition !== p) {
      note(`key '${key}' found on partitions ${keyPartition} and ${p}`);
    }
  }

  let missing = 0;
  for (let i = 0; i < n; i++) if (seen[i] === 0) missing++;
  if (missing > 0) note(`${missing} of the ${n} generated records were not read back`);
  const truncated = [...partitions.keys()].filter((p) => partitions.get(p).firstOffset !== 0).sort((x, y) => x - y);
  if (truncated.length > 0) {
    note(
      `partition(s) ${truncated.join(', ')} do not start at offset 0: the mock broker dropped their oldest batches ` +
        "(librdkafka's mock keeps at most 5 MiB per partition) — lower DEMO_RECORDS",
    );
  }
  if (summary === null) note(`no summary line from rxkafka produce in ${summaryPath}`);
  else {
    if (summary.records !== n) note(`rxkafka produce read ${summary.records} records, ${n} were generated`);
    if (summary.acked !== read) note(`rxkafka produce acked ${summary.acked} records, kcat read back ${read}`);
  }

  const fmt = (x) => x.toLocaleString('en-US');
  const out = [];
  out.push('');
  out.push(`  generated            ${fmt(n)} ndjson records (${USERS.toLocaleString('en-US')} users, key = user)`);
  if (summary !== null) {
    out.push(
      `  acked by rxkafka     ${fmt(summary.acked)}  (failed ${fmt(summary.failed)}, ${fmt(summary.durationMs)} ms, ` +
        `${fmt(summary.recordsPerSec)} records/s)`,
    );
  }
  out.push(`  read back by kcat    ${fmt(read)}  (CRC-checked; ${fmt(n - missing)} distinct, ${fmt(duplicates)} duplicate, ${fmt(foreign)} unexpected)`);
  out.push('');
  out.push('  partition    records   offsets            keys');
  for (const p of [...partitions.keys()].sort((x, y) => x - y)) {
    const part = partitions.get(p);
    const offsets = `${part.firstOffset}..${part.lastOffset}`;
    out.push(`  ${String(p).padStart(9)} ${fmt(part.count).padStart(10)}   ${offsets.padEnd(18)} ${fmt(part.keys).padStart(5)}`);
  }
  out.push('');
  if (problems.length === 0) {
    out.push(
      `  OK: every generated record was acked and read back exactly once, byte for byte; ` +
        'offsets are contiguous from 0; each key stayed on one partition.',
    );
  } else {
    out.push('  MISMATCH:');
    for (const msg of problems) out.push(`    - ${msg}`);
  }
  process.stdout.write(out.join('\n') + '\n');
  process.exitCode = problems.length === 0 ? 0 : 1;
}

function main(argv) {
  const [command, count, summaryPath] = argv;
  const n = Number(count);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write('usage: demo-data.js generate N | demo-data.js verify N SUMMARY.json\n');
    process.exit(2);
  }
  if (command === 'generate') generate(n);
  else if (command === 'verify' && summaryPath !== undefined) {
    verify(n, summaryPath).catch((err) => {
      process.stderr.write(`demo-data.js: ${err.stack || err}\n`);
      process.exit(1);
    });
  } else {
    process.stderr.write('usage: demo-data.js generate N | demo-data.js verify N SUMMARY.json\n');
    process.exit(2);
  }
}

main(process.argv.slice(2));
