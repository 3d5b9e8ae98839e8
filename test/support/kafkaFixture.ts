import { KafkaCluster, KafkaClusterOptions } from './KafkaCluster';

/**
 * A real Kafka cluster for one test file: started before its tests, stopped after them, with
 * fresh topics (TopicCommand: RF 3, min.insync.replicas 2) named after the file's `prefix`.
 *
 * @example
 * const fixture = kafkaClusterFixture('delivery', { nodes: 3 });
 * const topic = await fixture.newTopic(6);
 * createProducer({ brokers: fixture.cluster.bootstrap, topic });
 */
export function kafkaClusterFixture(
  prefix: string,
  opts: KafkaClusterOptions = {},
): { readonly cluster: KafkaCluster; newTopic(partitions?: number, config?: Record<string, string | number>): Promise<string> } {
  let cluster: KafkaCluster | undefined;
  let topicSeq = 0;
  beforeAll(async () => {
    cluster = await KafkaCluster.start(opts);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return {
    get cluster(): KafkaCluster {
      if (cluster === undefined) throw new Error('the Kafka cluster is only there inside tests');
      return cluster;
    },
    async newTopic(partitions = 6, config: Record<string, string | number> = {}): Promise<string> {
      const name = `${prefix}-${process.pid}-${++topicSeq}`;
      await this.cluster.createTopic(name, partitions, { config });
      return name;
    },
  };
}
