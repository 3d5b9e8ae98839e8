import { ConfigError } from '../errors';
import { createProducer } from '../producer/Producer';
import { chooseVersion } from '../network/negotiateApiVersions';
import {
  AddOffsetsToTxn,
  AddPartitionsToTxn,
  ApiVersions,
  EndTxn,
  errorName,
  FindCoordinator,
  InitProducerId,
  Metadata,
  Produce,
  TxnOffsetCommit,
  type Api,
} from '../protocol';
import { apiName } from './apiNames';
import type { ProducerConfig } from '../config/config';
import { CliUsageError, FLAG_OF_OPTION, parse, usageErrorFromConfig } from './options';
import { loadProducerProperties, PROPERTIES_FLAG_OPTIONS, withFlags } from './producerProperties';

/** The APIs rxkafka speaks, by api key: for these the output shows the version it uses. */
const RXKAFKA_APIS = new Map<number, Api<unknown, unknown>>(
  [ApiVersions, Metadata, Produce, InitProducerId, FindCoordinator, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit].map((api) => [api.apiKey, api as Api<unknown, unknown>]),
);

/** One line of the apiVersions list. */
interface ApiVersionLine {
  apiKey: number;
  name: string | null;
  broker: { min: number; max: number };
  /** rxkafka's range; null for an API rxkafka does not use. */
  rxkafka: { min: number; max: number } | null;
  /** The version rxkafka uses with this broker (the highest both support); null if none or unused. */
  used: number | null;
}

/**
 * `rxkafka metadata`: the cluster as the producer sees it, as JSON — brokers, topics with their
 * partitions and leaders (an error name instead when a topic has none), and every API the
 * answering broker advertises with the version rxkafka negotiates. Never creates topics.
 */
export async function runMetadata(args: string[]): Promise<number> {
  const { values: v } = parse(args, { brokers: { type: 'string' }, topic: { type: 'string', multiple: true }, ...PROPERTIES_FLAG_OPTIONS });
  const values = v as { brokers?: string; topic?: string[]; 'producer.config'?: string; 'producer-property'?: string[] };
  // A secured cluster is described with the same properties as it is produced to.
  const properties = loadProducerProperties(values['producer.config'], values['producer-property']);
  if (values.brokers === undefined && properties.config['bootstrap.servers'] === undefined) {
    throw new CliUsageError('--brokers is required (e.g. --brokers localhost:9092), or bootstrap.servers in --producer.config or -X');
  }
  let producer;
  try {
    producer = createProducer(withFlags(properties, { ...(values.brokers === undefined ? {} : { brokers: values.brokers }), allowAutoTopicCreation: false }) as unknown as ProducerConfig);
  } catch (err) {
    throw err instanceof ConfigError ? usageErrorFromConfig(err, { ...FLAG_OF_OPTION, ...properties.labels }) : err;
  }
  try {
    const snapshot = await producer.cluster.describe(values.topic ?? null);
    const out = {
      clusterId: snapshot.clusterId,
      controllerId: snapshot.controllerId,
      brokers: snapshot.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
      topics: snapshot.topics.map((t) => ({
        name: t.name,
        ...(t.errorCode === 0 ? {} : { error: errorName(t.errorCode), errorCode: t.errorCode }),
        partitions: t.partitions.map((p) => ({
          partition: p.partition,
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          ...(p.errorCode === 0 ? {} : { error: errorName(p.errorCode), errorCode: p.errorCode }),
        })),
      })),
      metadataVersion: snapshot.metadataVersion,
      apiVersions: snapshot.apiVersions.sort((a, b) => a.apiKey - b.apiKey).map(apiVersionLine),
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  } finally {
    await producer.close(0);
  }
}

function apiVersionLine(range: { apiKey: number; minVersion: number; maxVersion: number }): ApiVersionLine {
  const ours = RXKAFKA_APIS.get(range.apiKey);
  return {
    apiKey: range.apiKey,
    name: apiName(range.apiKey),
    broker: { min: range.minVersion, max: range.maxVersion },
    rxkafka: ours === undefined ? null : { min: ours.minVersion, max: ours.maxVersion },
    used: ours === undefined ? null : usedVersion(range, ours),
  };
}

/** The connection's own choice (chooseVersion), or null when the ranges do not meet. */
function usedVersion(range: { minVersion: number; maxVersion: number }, api: Api<unknown, unknown>): number | null {
  try {
    return chooseVersion('', range, api);
  } catch {
    return null;
  }
}
