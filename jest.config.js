const fs = require('fs');
const path = require('path');
// Fast unit tests (no broker), the integration tests once per librdkafka mock-cluster version
// (test/broker/setup.sh builds both launchers; MockCluster picks one from RXKAFKA_MOCK_VERSION),
// and the fault scenarios of issue 3 (test/faults/, 100k records each) on the 2.12 mock only: it
// is the one made strict about producer ids and sequences, as a real broker is (mostly waiting on
// paced streams: `npx jest --selectProjects faults --maxWorkers=2` takes ~80 s on 2 cores). The soak
// (test/soak/, npm run soak) is a plain node script, not a jest project.
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  setupFilesAfterEnv: ['<rootDir>/test/support/zstd-ready.ts'],
};
const integration = (version) => ({
  ...common,
  displayName: `integration-${version}`,
  testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
  setupFiles: [`<rootDir>/test/support/mock-${version}.ts`],
  setupFilesAfterEnv: ['<rootDir>/test/support/zstd-ready.ts', '<rootDir>/test/support/integration-timeout.ts'],
  // The TLS and SASL fronts need the launcher's `advertise` (rd_kafka_mock_broker_set_host_port),
  // which librdkafka 2.0.2 lacks: those files run on the 2.12 mock only.
  testPathIgnorePatterns: version === '2.0.2' ? ['/test/integration/(tls|sasl|saslFront)\\.test\\.ts$'] : [],
});
// The suite on Apache Kafka itself (test/real-kafka/, clusters started by test/support/KafkaCluster.ts
// from the jars test/kafka/setup.sh fetched): everything on the newest release; the delivery tests
// on the last 3.x line too (test/kafka/versions.sh names both).
const kafkaVersions = fs.readFileSync(path.join(__dirname, 'test/kafka/versions.sh'), 'utf8');
// RXKAFKA_KAFKA_VERSION runs the whole real-Kafka suite on another release instead (fetched first
// with `bash test/kafka/setup.sh <version>`), as the project kafka-<version>.
const kafkaDefault = process.env.RXKAFKA_KAFKA_VERSION || /^kafka_default_version=(\S+)/m.exec(kafkaVersions)[1];
const kafkaOld = /^kafka_old_version=(\S+)/m.exec(kafkaVersions)[1];
const realKafka = (version, testMatch) => ({
  ...common,
  displayName: `kafka-${version}`,
  testMatch,
  globals: { jestProjectKafkaVersion: version },
  setupFiles: ['<rootDir>/test/support/kafka-version.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/zstd-ready.ts', '<rootDir>/test/support/integration-timeout.ts'],
});
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/test/integration/', '/test/faults/', '/test/soak/', '/test/real-kafka/'],
    },
    integration('2.0.2'),
    integration('2.12'),
    {
      ...integration('2.12'),
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
    },
    realKafka(kafkaDefault, ['<rootDir>/test/real-kafka/**/*.test.ts']),
    ...(kafkaOld === kafkaDefault ? [] : [realKafka(kafkaOld, ['<rootDir>/test/real-kafka/delivery*.test.ts'])]),
  ],
};
