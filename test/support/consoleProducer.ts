/**
 * Keyed records written by Apache Kafka's own producer: the console producer (kafka.sh
 * console-producer, the cluster's release, the Java client's default partitioner). A test
 * compares where Java puts a key with where rxkafka put it.
 *
 * ```ts
 * await consoleProduce(cluster, topic, [{ key: 'k1', value: 'v1' }]);
 * ```
 */
import * as fs from 'node:fs';
import { kafkaTool, KafkaCluster } from './KafkaCluster';
import { COLUMN, escapeProperty, writeProperties } from './consoleConsumer';

/**
 * Sends each record (UTF-8 key and value, no newline or U+E000 in either) with acks=all and
 * resolves once the producer has exited, i.e. flushed. Rejects if it fails.
 */
export async function consoleProduce(cluster: KafkaCluster, topic: string, records: Array<{ key: string; value: string }>): Promise<void> {
  for (const r of records) {
    if (/[\n\uE000]/.test(r.key + r.value)) throw new Error(`consoleProduce: a newline or U+E000 in ${JSON.stringify(r)}`);
  }
  const reader = writeProperties(cluster, 'reader', `parse.key=true\nkey.separator=${escapeProperty(COLUMN)}`);
  const producer = writeProperties(cluster, 'producer', 'acks=all');
  try {
    const args = [
      '--bootstrap-server', cluster.liveBootstrap(),
      '--topic', topic,
      '--reader-config', reader,
      cluster.version.startsWith('3.') ? '--producer.config' : '--command-config', producer,
    ];
    const input = records.map((r) => `${r.key}${COLUMN}${r.value}\n`).join('');
    const r = await kafkaTool(cluster.version, 'console-producer', args, { input, timeoutMs: 120_000 });
    // A failed send is logged (ErrorLoggingCallback) and the tool still exits 0.
    if (r.code !== 0 || /Error when sending message/.test(r.stderr)) throw new Error(`console producer to ${topic} failed (exit ${r.code}): ${r.stderr.slice(-2000)}`);
  } finally {
    for (const f of [reader, producer]) fs.rmSync(f, { force: true });
  }
}
