import { MockCluster } from './MockCluster';

/**
 * A mock cluster for one test file: started before its tests, stopped after them, with fresh
 * topics named after the file's `prefix` and the process (jest workers share the machine).
 *
 * @example
 * const fixture = mockClusterFixture('produce');
 * const topic = await fixture.newTopic(3);
 * createProducer({ brokers: fixture.cluster.bootstrap, topic });
 */
export function mockClusterFixture(prefix: string, brokers = 3): { readonly cluster: MockCluster; newTopic(partitions?: number): Promise<string> } {
  let cluster: MockCluster | undefined;
  let topicSeq = 0;
  beforeAll(async () => {
    cluster = await MockCluster.start({ brokers });
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  return {
    get cluster(): MockCluster {
      if (cluster === undefined) throw new Error('the mock cluster is only there inside tests');
      return cluster;
    },
    async newTopic(partitions = 6): Promise<string> {
      const name = `${prefix}-${process.pid}-${++topicSeq}`;
      await this.cluster.createTopic(name, partitions, 1);
      return name;
    },
  };
}
