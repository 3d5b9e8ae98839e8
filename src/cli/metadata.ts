import { createProducer } from '../producer/Producer';
import { parse, CliUsageError } from './options';

const API_NAMES: Record<number, string> = { 0: 'Produce', 3: 'Metadata', 18: 'ApiVersions', 22: 'InitProducerId' };

/** `rxkafka metadata`: the cluster as the producer sees it, as JSON. */
export async function runMetadata(args: string[]): Promise<number> {
  const { values: v } = parse(args, { brokers: { type: 'string' }, topic: { type: 'string', multiple: true } });
  const values = v as { brokers?: string; topic?: string[] };
  if (values.brokers === undefined) throw new CliUsageError('--brokers is required (e.g. --brokers localhost:9092)');
  const producer = createProducer({ brokers: values.brokers, allowAutoTopicCreation: false });
  try {
    const snapshot = await producer.cluster.describe(values.topic ?? null);
    const out = {
      clusterId: snapshot.clusterId,
      controllerId: snapshot.controllerId,
      brokers: snapshot.brokers,
      topics: snapshot.topics.map((t) => ({
        name: t.name,
        error: t.errorCode === 0 ? undefined : t.errorCode,
        partitions: t.partitions.map((p) => ({ partition: p.partition, leader: p.leader, leaderEpoch: p.leaderEpoch })),
      })),
      apiVersions: snapshot.apiVersions.map((v) => ({ ...v, name: API_NAMES[v.apiKey] })),
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  } finally {
    await producer.close(0);
  }
}
