// Issue 13, point 3: the CLI reaches a secured Apache Kafka with Kafka-style configuration. One
// Kafka 4.x node with an SSL listener that requires client certificates and SASL_PLAINTEXT /
// SASL_SSL listeners with PLAIN and SCRAM-SHA-512 (the test CA of test/support/testCa.ts). The
// built CLI (`node dist/src/cli/main.js`) produces through a client.properties file (PEM trust and
// key stores by path, sasl.jaas.config continued over lines) and through -X alone; the records are
// read back by Kafka's own console consumer given the very same properties file, or by kcat.
// Bad configurations exit 2 naming the property, before anything connects. `npm test` builds
// first; alone: `npm run build && npx jest test/real-kafka/cliProperties.test.ts`.
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { consoleConsume } from '../support/consoleConsumer';
import { kcatSecurity, securedClusterFixture } from '../support/kafkaSecurity';
import { kcatConsume } from '../support/kcat';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
const PASSWORD = 'cli-pa55word-not-to-leak';

const fixture = securedClusterFixture('cliprops', (pki) => ({
  nodes: 1,
  security: {
    tls: { certPath: pki.serverCert.path, keyPath: pki.serverKey.path, caPath: pki.ca.path, requireClientCert: true },
    sasl: { mechanisms: ['PLAIN', 'SCRAM-SHA-512'], users: { app: PASSWORD } },
  },
}));

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to its end (stdin closed: input comes from a FILE argument). */
function runCli(args: string[], timeoutMs = 90_000): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr });
    });
    child.stdin?.end();
  });
}

/** The last stdout line, the JSON summary. */
function summaryOf(r: CliResult): { records: number; acked: number; failed: number } {
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** Writes `n` lines to a file; returns its path and the lines. */
function inputFile(name: string, n: number): { file: string; lines: string[] } {
  const lines = Array.from({ length: n }, (_, i) => `${name}-${i}`);
  const file = path.join(fixture.pki.dir, `${name}.txt`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return { file, lines };
}

function writeProperties(name: string, text: string): string {
  const file = path.join(fixture.pki.dir, name);
  fs.writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
});

test('mutual TLS from client.properties (PEM trust store and key store by path): every line delivered; the console consumer reads them with the same file; metadata with it too', async () => {
  const { cluster, pki } = fixture;
  const topic = await fixture.newTopic(3);
  const keystore = writeProperties('client-keystore.pem', pki.clientKey.pem + pki.clientCert.pem);
  const props = writeProperties(
    'mtls.properties',
    [
      '# a client.properties as Kafka\'s tools read it',
      `bootstrap.servers=${cluster.bootstrapFor('SSL')}`,
      'security.protocol=SSL',
      'ssl.truststore.type=PEM',
      `ssl.truststore.location=${pki.ca.path}`,
      'ssl.keystore.type : PEM',
      `ssl.keystore.location ${keystore}`,
      'ssl.endpoint.identification.algorithm=https',
      '',
    ].join('\n'),
  );
  const { file, lines } = inputFile('mtls', 2000);
  const r = await runCli(['produce', '--topic', topic, '--producer.config', props, '--acks', 'all', file]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expect(summaryOf(r)).toMatchObject({ records: 2000, acked: 2000, failed: 0 });
  const read = await consoleConsume(cluster, topic, { maxMessages: 2000, bootstrap: cluster.bootstrapFor('SSL'), consumerConfigFile: props });
  expect(read.map((x) => x.value).sort()).toEqual([...lines].sort());

  // metadata through the same file: the SSL listener's address, the topic's 3 partitions.
  const md = await runCli(['metadata', '--producer.config', props, '--topic', topic]);
  expect({ code: md.code, stderr: md.stderr }).toEqual({ code: 0, stderr: '' });
  const described = JSON.parse(md.stdout) as { brokers: Array<{ port: number }>; topics: Array<{ name: string; partitions: unknown[] }> };
  expect(described.brokers.map((b) => `127.0.0.1:${b.port}`)).toEqual([cluster.bootstrapFor('SSL')]);
  expect(described.topics).toMatchObject([{ name: topic, partitions: [{}, {}, {}] }]);
});

test('SASL_SSL with SCRAM-SHA-512 from client.properties (sasl.jaas.config over continued lines): every line delivered and read back by the console consumer with the same file', async () => {
  const { cluster, pki } = fixture;
  const topic = await fixture.newTopic(3);
  const props = writeProperties(
    'scram.properties',
    [
      `bootstrap.servers=${cluster.bootstrapFor('SASL_SSL')}`,
      'security.protocol=SASL_SSL',
      'ssl.truststore.type=PEM',
      `ssl.truststore.location=${pki.ca.path}`,
      'sasl.mechanism=SCRAM-SHA-512',
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\',
      '    username="app" \\',
      `    password="${PASSWORD}";`,
      'linger.ms=10',
      'compression.type=lz4',
      '',
    ].join('\n'),
  );
  const { file, lines } = inputFile('scram', 2000);
  const r = await runCli(['produce', '--topic', topic, '--producer.config', props, file]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expect(summaryOf(r)).toMatchObject({ records: 2000, acked: 2000, failed: 0 });
  const read = await consoleConsume(cluster, topic, { maxMessages: 2000, bootstrap: cluster.bootstrapFor('SASL_SSL'), consumerConfigFile: props });
  expect(read.map((x) => x.value).sort()).toEqual([...lines].sort());
});

test("a client.properties shaped as Confluent Cloud gives it (PLAIN, single-quoted JAAS, client.dns.lookup, a consumer's and Schema Registry's lines): one warning per line not the producer's, every line delivered and read back by the console consumer with the same file", async () => {
  const { cluster, pki } = fixture;
  const topic = await fixture.newTopic(2);
  const props = writeProperties(
    'cloud.properties',
    [
      '# Required connection configs for Kafka producer, consumer, and admin',
      `bootstrap.servers=${cluster.bootstrapFor('SASL_SSL')}`,
      'security.protocol=SASL_SSL',
      `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username='app' password='${PASSWORD}';`,
      'sasl.mechanism=PLAIN',
      'client.dns.lookup=use_all_dns_ips',
      'session.timeout.ms=45000',
      'acks=all',
      'schema.registry.url=https://127.0.0.1:1',
      'basic.auth.credentials.source=USER_INFO',
      'basic.auth.user.info=sr-key:sr-secret-not-to-leak',
      // The test CA; Confluent Cloud's brokers have public certificates.
      'ssl.truststore.type=PEM',
      `ssl.truststore.location=${pki.ca.path}`,
      '',
    ].join('\n'),
  );
  const { file, lines } = inputFile('cloud', 1000);
  const r = await runCli(['produce', '--topic', topic, '--producer.config', props, file]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({
    code: 0,
    stderr: [
      `rxkafka: ${props}:7: session.timeout.ms is a consumer property, not the producer's: ignored`,
      `rxkafka: ${props}:9: schema.registry.url is a Schema Registry property, not the producer's: ignored`,
      `rxkafka: ${props}:10: basic.auth.credentials.source is a Schema Registry property, not the producer's: ignored`,
      `rxkafka: ${props}:11: basic.auth.user.info is a Schema Registry property, not the producer's: ignored`,
      '',
    ].join('\n'),
  });
  expect(summaryOf(r)).toMatchObject({ records: 1000, acked: 1000, failed: 0 });
  const read = await consoleConsume(cluster, topic, { maxMessages: 1000, bootstrap: cluster.bootstrapFor('SASL_SSL'), consumerConfigFile: props });
  expect(read.map((x) => x.value).sort()).toEqual([...lines].sort());
});

test('-X alone (as kcat): SASL_PLAINTEXT with PLAIN, perf and produce; kcat reads the records back through the same listener', async () => {
  const { cluster, pki } = fixture;
  const topic = await fixture.newTopic(2);
  const x = [
    '-X', `bootstrap.servers=${cluster.bootstrapFor('SASL_PLAINTEXT')}`,
    '-X', 'security.protocol=SASL_PLAINTEXT',
    '-X', 'sasl.mechanism=PLAIN',
    '-X', `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="app" password="${PASSWORD}";`,
    '-X', 'acks=all',
  ];
  const { file, lines } = inputFile('plain', 500);
  const produced = await runCli(['produce', '--topic', topic, ...x, file]);
  expect({ code: produced.code, stderr: produced.stderr }).toEqual({ code: 0, stderr: '' });
  expect(summaryOf(produced)).toMatchObject({ records: 500, acked: 500, failed: 0 });
  const perf = await runCli(['perf', '--topic', topic, '--num-records', '300', '--record-size', '10', ...x]);
  expect({ code: perf.code, stderr: perf.stderr }).toEqual({ code: 0, stderr: '' });
  expect(summaryOf(perf)).toMatchObject({ records: 300 });

  const read = await kcatConsume(cluster.bootstrapFor('SASL_PLAINTEXT'), topic, {
    config: kcatSecurity('SASL_PLAINTEXT', pki, { mechanism: 'PLAIN', username: 'app', password: PASSWORD }),
  });
  expect(read).toHaveLength(800);
  expect(read.filter((r) => r.value !== null && r.value.startsWith('plain-')).map((r) => r.value).sort()).toEqual([...lines].sort());
  expect(read.filter((r) => r.value !== null && /^[A-Z]{10}$/.test(r.value))).toHaveLength(300);
});

test('a wrong password in client.properties: exit 1, the records fail with the broker\'s refusal, the password never shown', async () => {
  const { cluster } = fixture;
  const topic = await fixture.newTopic(1);
  const props = writeProperties(
    'wrong.properties',
    [
      `bootstrap.servers=${cluster.bootstrapFor('SASL_PLAINTEXT')}`,
      'security.protocol=SASL_PLAINTEXT',
      'sasl.mechanism=SCRAM-SHA-512',
      `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="${PASSWORD}-wrong";`,
      '',
    ].join('\n'),
  );
  const { file } = inputFile('wrong', 10);
  const r = await runCli(['produce', '--topic', topic, '--producer.config', props, file]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/invalid credentials with SASL mechanism SCRAM-SHA-512/);
  expect(r.stderr + r.stdout).not.toContain(PASSWORD);
});

describe('bad configuration: exit 2 naming the property, nothing connects', () => {
  /** A bootstrap no broker listens on: a command that got that far would fail with exit 1, not 2. */
  const NOWHERE = '127.0.0.1:1';

  test('an unknown property, with the name meant', async () => {
    const props = writeProperties('typo.properties', `bootstrap.servers=${NOWHERE}\n# tuning\nlinger.msec=5\n`);
    const r = await runCli(['produce', '--topic', 't', '--producer.config', props]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`rxkafka: ${props}:3: linger.msec: is not a producer option; did you mean 'linger.ms'?`);
    expect(r.stdout).toBe('');
  });

  test('-X with an unknown property', async () => {
    const r = await runCli(['perf', '--topic', 't', '--num-records', '1', '--brokers', NOWHERE, '-X', 'no.such.property=1']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('rxkafka: -X no.such.property: is not a producer option; see ProducerConfig for the options rxkafka knows');
  });

  test('a missing properties file: its path and the OS error', async () => {
    const missing = path.join(fixture.pki.dir, 'absent.properties');
    const r = await runCli(['produce', '--topic', 't', '--producer.config', missing]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`rxkafka: --producer.config: cannot read '${missing}': ENOENT: no such file or directory`);
  });

  test('a JKS key store (made by keytool): named, with how to convert it', async () => {
    const jks = path.join(fixture.pki.dir, 'client.keystore.jks');
    execFileSync('keytool', ['-genkeypair', '-alias', 'client', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=client', '-validity', '2',
      '-storetype', 'JKS', '-keystore', jks, '-storepass', 'changeit', '-keypass', 'changeit'], { stdio: 'ignore' });
    const props = writeProperties('jks.properties', [`bootstrap.servers=${NOWHERE}`, 'security.protocol=SSL', `ssl.keystore.location=${jks}`, 'ssl.keystore.password=changeit', ''].join('\n'));
    const r = await runCli(['produce', '--topic', 't', '--producer.config', props]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      `rxkafka: ${props}:3: ssl.keystore.location: '${jks}' is a Java key store (JKS); rxkafka reads PEM only: convert it to one PEM file holding the key and its certificates ` +
        '(keytool -importkeystore -srckeystore client.jks -destkeystore client.p12 -deststoretype PKCS12, then openssl pkcs12 -in client.p12 -out client.pem)',
    );
  });
});
