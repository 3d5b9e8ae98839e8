'use strict';
// How many records the broker holds: the sum of the topic's end offsets, read with `kcat -Q`
// (ListOffsets, timestamp -1 = latest). The topic is fresh for every run (on the mock, the whole
// broker), so that sum is exactly the records the run appended.
//
// On Apache Kafka, ListOffsets LATEST answers the high watermark: the offset up to which every
// in-sync replica has the records. A record acked with acks=1 may still be on its leader only for
// a moment, so settledEndOffsets() reads again until the sum reaches the records sent (or passes
// them: a duplicate — a retry without idempotence — is counted, and the run does not count). Each
// record takes one offset (no transactions, no compaction here), so the sum is exact there too.
//
// Why end offsets stay valid although the mock keeps only part of the log: in librdkafka 2.12's
// rdkafka_mock.c, rd_kafka_mock_msgset_new() sets each appended batch's first offset to the
// partition's end_offset and advances end_offset by the batch's record count; only then does it
// drop the oldest batches while the partition holds more than 100,000 batches (max_cnt) or 5 MiB
// (max_size), and dropping (rd_kafka_mock_msgset_destroy) moves start_offset only. ListOffsets
// LATEST answers end_offset (rdkafka_mock_handlers.c). So end offsets count every record ever
// appended, dropped or not, and a duplicate the strict mock refuses (idempotence) is not counted.
const { execFile } = require('node:child_process');

function endOffsets(bootstrap, topic, partitions) {
  const args = ['-Q', '-b', bootstrap];
  for (let p = 0; p < partitions; p++) args.push('-t', `${topic}:${p}:-1`);
  return new Promise((resolve, reject) => {
    execFile('kcat', args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`kcat -Q: ${err.message} ${stderr}`));
      const offsets = new Map();
      for (const m of stdout.matchAll(/^\S+ \[(\d+)\] offset (-?\d+)$/gm)) offsets.set(Number(m[1]), Number(m[2]));
      if (offsets.size !== partitions || [...offsets.values()].some((o) => o < 0)) {
        return reject(new Error(`kcat -Q: unexpected answer: ${stdout.trim()} ${stderr.trim()}`));
      }
      resolve([...offsets.values()].reduce((a, b) => a + b, 0));
    });
  });
}

/**
 * endOffsets, read again every 200 ms while the sum is below `expected`, for up to `timeoutMs`
 * (the high watermark catching up on Kafka); resolves the last sum.
 */
async function settledEndOffsets(bootstrap, topic, partitions, expected, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stored = await endOffsets(bootstrap, topic, partitions);
    if (stored >= expected || Date.now() > deadline) return stored;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

module.exports = { endOffsets, settledEndOffsets };
