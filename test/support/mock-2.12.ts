// jest setupFiles for the 'integration-2.12' project: MockCluster.start() uses librdkafka 2.12's mock.
process.env.RXKAFKA_MOCK_VERSION = '2.12';
