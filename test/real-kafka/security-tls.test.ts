// Issue 10, security on real listeners: TLS. One Kafka 4.x node whose SSL listener has a
// certificate from a test CA made by openssl (EC P-256, PKCS#8 PEM, loaded by Kafka as a PEM key
// store) and requires client certificates (ssl.client.auth=required). What rxkafka delivers over
// SSL is read back over SSL by kcat (check.crcs) and by Kafka's own console consumer, offset for
// offset. A wrong CA, no client certificate, or a plaintext client on the SSL listener fail the
// records at once (well under maxBlockMs), typed SslAuthenticationError, not retried, saying what
// to set. TLS to the PLAINTEXT listener is retried (Kafka closes the connection at the hello, as it
// closes those over max.connections.per.ip) and the records fail at maxBlockMs saying so.
import { from, lastValueFrom, toArray } from 'rxjs';
import { SslAuthenticationError, toKafka } from '../../operators';
import type { ProducerConfig } from '../../src/config/config';
import type { Ack, RecordMetadata } from '../../src/types';
import { javaSecurity, kcatSecurity, securedClusterFixture } from '../support/kafkaSecurity';
import { consoleConsume } from '../support/consoleConsumer';
import { kcatConsume } from '../support/kcat';
import { delivered } from '../support/readBack';

const fixture = securedClusterFixture('tls', (pki) => ({
  nodes: 1,
  security: { tls: { certPath: pki.serverCert.path, keyPath: pki.serverKey.path, caPath: pki.ca.path, requireClientCert: true } },
}));

function produce(config: ProducerConfig, n: number): Promise<Ack<number>[]> {
  const records = Array.from({ length: n }, (_, i) => ({ key: `k${i % 13}`, value: `v${i}`, meta: i }));
  return lastValueFrom(from(records).pipe(toKafka<string, string, number>(config), toArray()));
}

/** Produces 20 records that cannot get through; returns their acks and how long they took. */
async function refused(config: Omit<ProducerConfig, 'topic'>, topic: string): Promise<{ acks: Ack<number>[]; tookMs: number }> {
  const started = Date.now();
  const acks = await produce({ ...config, topic, stopOnError: false, maxBlockMs: 60_000 }, 20);
  return { acks, tookMs: Date.now() - started };
}

test('delivers over SSL (test CA, client certificate, host name checked); kcat and the Java consumer read every record back over SSL at its offset', async () => {
  const { cluster, pki } = fixture;
  const topic = await fixture.newTopic(4);
  const ssl = { ca: pki.ca.pem, cert: pki.clientCert.pem, key: pki.clientKey.pem };
  const acks = delivered(await produce({ brokers: cluster.bootstrapFor('SSL'), topic, ssl, acks: 'all', compressionType: 'lz4' }, 3000));
  expect(acks).toHaveLength(3000);

  const byKcat = await kcatConsume(cluster.bootstrapFor('SSL'), topic, { config: kcatSecurity('SSL', pki, undefined, true) });
  expect(byKcat).toHaveLength(3000);
  const kcatAt = new Map(byKcat.map((r) => [`${r.partition}:${r.offset}`, `${r.key}=${r.value}`]));
  for (const a of acks) expect(kcatAt.get(`${a.partition}:${a.offset}`)).toBe(`k${a.meta! % 13}=v${a.meta}`);

  const byJava = await consoleConsume(cluster, topic, { maxMessages: 3000, bootstrap: cluster.bootstrapFor('SSL'), consumerConfig: javaSecurity('SSL', pki, undefined, true) });
  expect(byJava).toHaveLength(3000);
  const javaAt = new Map(byJava.map((r) => [`${r.partition}:${r.offset}`, `${r.key}=${r.value}`]));
  for (const a of acks) expect(javaAt.get(`${a.partition}:${a.offset}`)).toBe(`k${a.meta! % 13}=v${a.meta}`);
});

test('a wrong CA fails every record at once with SslAuthenticationError naming ssl.ca; nothing is written', async () => {
  const { cluster, pki } = fixture;
  const topic = await fixture.newTopic(2);
  const ssl = { ca: pki.otherCa.pem, cert: pki.clientCert.pem, key: pki.clientKey.pem };
  const { acks, tookMs } = await refused({ brokers: cluster.bootstrapFor('SSL'), ssl }, topic);
  // Not retried until maxBlockMs (60 s): the handshake's verdict does not change.
  expect(tookMs).toBeLessThan(15_000);
  expect(acks).toHaveLength(20);
  for (const a of acks) {
    expect(a.error).toBeInstanceOf(SslAuthenticationError);
    expect(a.error).toMatchObject({ retriable: false, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(a.error!.message).toMatch(/TLS: .*set ssl\.ca to the CA certificate \(PEM\) that signed the broker's certificate/);
  }
  expect(await kcatConsume(cluster.bootstrap, topic)).toHaveLength(0);
});

test('without a client certificate the broker refuses the handshake: SslAuthenticationError naming ssl.cert and ssl.key', async () => {
  const { cluster, pki } = fixture;
  const topic = await fixture.newTopic(2);
  const { acks, tookMs } = await refused({ brokers: cluster.bootstrapFor('SSL'), ssl: { ca: pki.ca.pem } }, topic);
  expect(tookMs).toBeLessThan(15_000);
  for (const a of acks) {
    expect(a.error).toBeInstanceOf(SslAuthenticationError);
    expect(a.error).toMatchObject({ retriable: false });
    expect(a.error!.message).toMatch(/refused this client's certificate: set ssl\.cert and ssl\.key/);
  }
  expect(await kcatConsume(cluster.bootstrap, topic)).toHaveLength(0);
});

test('a plaintext client on the SSL listener fails at once: Kafka answers in TLS, SslAuthenticationError says to set ssl', async () => {
  const { cluster } = fixture;
  const topic = await fixture.newTopic(1);
  const { acks, tookMs } = await refused({ brokers: cluster.bootstrapFor('SSL') }, topic);
  expect(tookMs).toBeLessThan(15_000);
  for (const a of acks) {
    expect(a.error).toBeInstanceOf(SslAuthenticationError);
    expect(a.error).toMatchObject({ retriable: false, code: 'TLS_EXPECTED' });
    expect(a.error!.message).toMatch(/answered in TLS: this port is an SSL or SASL_SSL listener; set ssl/);
  }
});

test('TLS to the PLAINTEXT listener: retried until maxBlockMs, then the records fail saying to remove ssl', async () => {
  const { cluster, pki } = fixture;
  const topic = await fixture.newTopic(1);
  const acks = await produce({ brokers: cluster.bootstrap, topic, ssl: { ca: pki.ca.pem }, stopOnError: false, maxBlockMs: 5000 }, 5);
  for (const a of acks) {
    expect(a.error).toMatchObject({ retriable: false });
    expect(a.error!.message).toMatch(/closed by the broker during the TLS handshake: if this is a PLAINTEXT or SASL_PLAINTEXT listener, remove ssl/);
  }
  expect(await kcatConsume(cluster.bootstrap, topic)).toHaveLength(0);
});
