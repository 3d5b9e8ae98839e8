// Fast unit tests (no broker), and the integration tests once per librdkafka mock-cluster version
// (test/broker/setup.sh builds both launchers; MockCluster picks one from RXKAFKA_MOCK_VERSION).
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
};
const integration = (version) => ({
  ...common,
  displayName: `integration-${version}`,
  testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
  setupFiles: [`<rootDir>/test/support/mock-${version}.ts`],
  setupFilesAfterEnv: ['<rootDir>/test/support/integration-timeout.ts'],
});
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['/test/integration/'] },
    integration('2.0.2'),
    integration('2.12'),
  ],
};
