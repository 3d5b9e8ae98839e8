/**
 * What the security tests on real Kafka listeners share (test/real-kafka/security-*.test.ts): a
 * cluster with a test PKI, the client settings of each listener for the two readers — kcat
 * (librdkafka) and Kafka's own console consumer (Java, consoleConsumer.ts) — and the broker's own
 * account of SASL re-authentication.
 *
 * Why two readers: kcat's librdkafka 2.0.2 fails SCRAM against Kafka 4.x (it repeats the client
 * nonce in its final message, which Kafka 4 rejects since it checks nonces strictly; fixed in
 * librdkafka 2.6.1) and cannot re-authenticate (KIP-368 came in librdkafka 2.2), so SCRAM
 * listeners are read back with the Java consumer.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { KafkaCluster, type KafkaClusterOptions, type ListenerName } from './KafkaCluster';
import { makeTestPki, type TestPki } from './testCa';

const execFileAsync = promisify(execFile);

/** A SASL login as the tests give it to every client: Kafka's mechanism name and a principal. */
export type SaslLogin =
  | { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string }
  | { mechanism: 'OAUTHBEARER'; principal: string };

/** librdkafka's (kcat's) settings to reach `listener`, with the test client certificate when `clientCert`. */
export function kcatSecurity(listener: ListenerName, pki: TestPki, login?: SaslLogin, clientCert = false): Record<string, string> {
  const config: Record<string, string> = { 'security.protocol': listener.toLowerCase() };
  if (listener === 'SSL' || listener === 'SASL_SSL') config['ssl.ca.location'] = pki.ca.path;
  if (clientCert) Object.assign(config, { 'ssl.certificate.location': pki.clientCert.path, 'ssl.key.location': pki.clientKey.path });
  if (login?.mechanism === 'OAUTHBEARER') {
    Object.assign(config, { 'sasl.mechanisms': 'OAUTHBEARER', 'enable.sasl.oauthbearer.unsecure.jwt': 'true', 'sasl.oauthbearer.config': `principal=${login.principal}` });
  } else if (login) {
    Object.assign(config, { 'sasl.mechanisms': login.mechanism, 'sasl.username': login.username, 'sasl.password': login.password });
  }
  return config;
}

/**
 * The Java client's settings to reach `listener` (PEM trust store; host names checked), with the
 * test client certificate when `clientCert` (for brokers that require one).
 */
export function javaSecurity(listener: ListenerName, pki: TestPki, login?: SaslLogin, clientCert = false): Record<string, string> {
  const config: Record<string, string> = { 'security.protocol': listener };
  if (listener === 'SSL' || listener === 'SASL_SSL') Object.assign(config, { 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': pki.ca.path });
  if (clientCert) {
    // A PEM key store is one file: the (PKCS#8, unencrypted) key, then the certificate.
    const keystore = path.join(pki.dir, 'client-keystore.pem');
    fs.writeFileSync(keystore, pki.clientKey.pem + pki.clientCert.pem);
    Object.assign(config, { 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': keystore });
  }
  if (login?.mechanism === 'OAUTHBEARER') {
    config['sasl.mechanism'] = 'OAUTHBEARER';
    config['sasl.jaas.config'] = `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="${login.principal}";`;
  } else if (login) {
    const module = login.mechanism === 'PLAIN' ? 'plain.PlainLoginModule' : 'scram.ScramLoginModule';
    config['sasl.mechanism'] = login.mechanism;
    config['sasl.jaas.config'] = `org.apache.kafka.common.security.${module} required username="${login.username}" password="${login.password}";`;
  }
  return config;
}

/** The broker class whose DEBUG lines tell each SASL (re-)authentication. */
const AUTHENTICATOR = 'org.apache.kafka.common.security.authenticator.SaslServerAuthenticator';

/**
 * Turns on the brokers' DEBUG lines about SASL authentication (a dynamic broker logger, as an
 * operator would with kafka-configs). Kafka only changes a logger that exists, and its
 * authenticator's comes with the first SASL connection: so one is made first, by kcat asking
 * `saslBootstrap` for metadata with `kcatConfig` (a PLAIN login: see kcatSecurity).
 */
export async function logSaslAuthentication(cluster: KafkaCluster, saslBootstrap: string, kcatConfig: Record<string, string>): Promise<void> {
  await execFileAsync('kcat', ['-L', '-b', saslBootstrap, '-m', '10', ...Object.entries(kcatConfig).flatMap(([k, v]) => ['-X', `${k}=${v}`])], { timeout: 20_000 });
  for (const id of cluster.ids()) {
    await cluster.tool('configs', ['--bootstrap-server', cluster.liveBootstrap(), '--alter', '--entity-type', 'broker-loggers', '--entity-name', String(id), '--add-config', `${AUTHENTICATOR}=DEBUG`]);
  }
}

/** How many times the brokers began re-authenticating a connection (after logSaslAuthentication). */
export function brokerReauthentications(cluster: KafkaCluster): number {
  let n = 0;
  for (const id of cluster.ids()) {
    const log = fs.existsSync(cluster.logPath(id)) ? fs.readFileSync(cluster.logPath(id), 'utf8') : '';
    n += log.split('Beginning re-authentication').length - 1;
  }
  return n;
}

/**
 * A test PKI (test/support/testCa.ts) and a real Kafka cluster whose SSL / SASL listeners use it,
 * for one test file: made before its tests, stopped and removed after them.
 */
export function securedClusterFixture(
  prefix: string,
  options: (pki: TestPki) => KafkaClusterOptions,
): { readonly cluster: KafkaCluster; readonly pki: TestPki; newTopic(partitions: number): Promise<string> } {
  let cluster: KafkaCluster | undefined;
  let pki: TestPki | undefined;
  let topicSeq = 0;
  beforeAll(async () => {
    pki = await makeTestPki();
    cluster = await KafkaCluster.start(options(pki));
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    pki?.remove();
  });
  const there = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the secured cluster is only there inside tests');
    return value;
  };
  return {
    get cluster() {
      return there(cluster);
    },
    get pki() {
      return there(pki);
    },
    async newTopic(partitions: number): Promise<string> {
      const name = `${prefix}-${process.pid}-${++topicSeq}`;
      await there(cluster).createTopic(name, partitions);
      return name;
    },
  };
}
