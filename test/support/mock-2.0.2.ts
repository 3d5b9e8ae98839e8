// jest setupFiles for the 'integration-2.0.2' project: MockCluster.start() uses librdkafka 2.0.2's mock.
process.env.RXKAFKA_MOCK_VERSION = '2.0.2';
