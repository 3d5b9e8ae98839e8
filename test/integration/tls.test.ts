// TLS to the real mock cluster: stunnel (Debian's stunnel4) terminates TLS before each broker
// with a certificate from a test CA made here, and Metadata advertises the stunnel ports, so
// every connection the producer makes is TLS. What is acked is read back through TLS by kcat
// (check.crcs). A wrong CA fails the records at once, typed and not retried. 2.12 only: the
// 2.0.2 mock cannot advertise the fronts.
import { from, lastValueFrom, toArray } from 'rxjs';
import { SaslAuthenticationError, SslAuthenticationError, toKafka } from '../../operators';
import type { ProducerConfig } from '../../src/config/config';
import type { Ack, RecordMetadata } from '../../src/types';
import { kcatConsume } from '../support/kcat';
import { MockCluster } from '../support/MockCluster';
import { startSaslFronts } from '../support/SaslFront';
import { startTlsFronts, type StunnelFront } from '../support/StunnelFront';
import { makeTestPki, type TestPki } from '../support/testCa';

let mock: MockCluster;
let pki: TestPki;
let front: StunnelFront;

beforeAll(async () => {
  pki = await makeTestPki();
  mock = await MockCluster.start({ brokers: 3 });
  // Brokers require a client certificate (ssl.client.auth=required): cert and key are proven too.
  front = await startTlsFronts(mock, pki, { requireClientCert: true });
});

afterAll(async () => {
  await front?.stop();
  await mock?.stop();
  pki?.remove();
});

/** librdkafka's settings for the same TLS (kcat reads back through the fronts). */
const kcatTls = () => ({
  'security.protocol': 'SSL',
  'ssl.ca.location': pki.ca.path,
  'ssl.certificate.location': pki.clientCert.path,
  'ssl.key.location': pki.clientKey.path,
});

function produce(config: ProducerConfig, n: number): Promise<Ack<number>[]> {
  const records = Array.from({ length: n }, (_, i) => ({ key: `k${i % 13}`, value: `v${i}`, meta: i }));
  return lastValueFrom(from(records).pipe(toKafka<string, string, number>(config), toArray()));
}

function delivered(acks: Ack<number>[]): RecordMetadata<number>[] {
  for (const a of acks) if (a.error !== undefined) throw a.error;
  return acks as RecordMetadata<number>[];
}

describe('TLS through stunnel', () => {
  test('delivers every record over TLS (CA, client certificate, host name checked); kcat reads them back', async () => {
    const topic = 'tls-orders';
    await mock.createTopic(topic, 6, 1);
    const acks = delivered(
      await produce({ brokers: front.bootstrap, topic, ssl: { ca: pki.ca.pem, cert: pki.clientCert.pem, key: pki.clientKey.pem } }, 3000),
    );
    expect(acks).toHaveLength(3000);
    const read = await kcatConsume(front.bootstrap, topic, { config: kcatTls() });
    expect(read).toHaveLength(3000);
    const byCoordinate = new Map(read.map((r) => [`${r.partition}:${r.offset}`, r.value]));
    for (const a of acks) expect(byCoordinate.get(`${a.partition}:${a.offset}`)).toBe(`v${a.meta}`);
  });

  test('a wrong CA fails every record at once with SslAuthenticationError, naming ssl.ca; nothing is written', async () => {
    const topic = 'tls-wrong-ca';
    await mock.createTopic(topic, 2, 1);
    const started = Date.now();
    const acks = await produce(
      {
        brokers: front.bootstrap,
        topic,
        ssl: { ca: pki.otherCa.pem, cert: pki.clientCert.pem, key: pki.clientKey.pem },
        stopOnError: false,
        maxBlockMs: 30_000,
      },
      20,
    );
    // Well before maxBlockMs: the failure is not retried until a timeout.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(acks).toHaveLength(20);
    for (const a of acks) {
      expect(a.error).toBeInstanceOf(SslAuthenticationError);
      expect(a.error).toMatchObject({ retriable: false });
      // stunnel sends the CA along when it also checks client certificates.
      expect(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN']).toContain((a.error as SslAuthenticationError).code);
      expect(a.error!.message).toMatch(/TLS: .*set ssl\.ca to the CA certificate \(PEM\) that signed the broker's certificate/);
    }
    expect(await kcatConsume(front.bootstrap, topic, { config: kcatTls() })).toHaveLength(0);
  });

  test('SASL_SSL: SCRAM-SHA-512 inside TLS (stunnel before the SASL fronts)', async () => {
    const topic = 'sasl-ssl-orders';
    await mock.createTopic(topic, 3, 1);
    const sasl = await startSaslFronts(mock, { mechanisms: ['SCRAM-SHA-512'], users: { app: 'app-secret' } });
    const tls = await startTlsFronts(mock, pki, { upstreams: sasl.fronts.map((f) => f.address) });
    try {
      const ssl = { ca: pki.ca.pem };
      const acks = delivered(
        await produce({ brokers: tls.bootstrap, topic, ssl, sasl: { mechanism: 'scram-sha-512', username: 'app', password: 'app-secret' } }, 500),
      );
      expect(acks).toHaveLength(500);
      expect(sasl.stats().authentications).toBeGreaterThanOrEqual(1);
      const wrong = await produce(
        { brokers: tls.bootstrap, topic, ssl, sasl: { mechanism: 'scram-sha-512', username: 'app', password: 'nope' }, stopOnError: false },
        3,
      );
      for (const a of wrong) expect(a.error).toBeInstanceOf(SaslAuthenticationError);
      const read = await kcatConsume(tls.bootstrap, topic, {
        config: {
          'security.protocol': 'SASL_SSL',
          'ssl.ca.location': pki.ca.path,
          'sasl.mechanisms': 'SCRAM-SHA-512',
          'sasl.username': 'app',
          'sasl.password': 'app-secret',
        },
      });
      expect(read.map((r) => r.value).sort()).toEqual(acks.map((a) => `v${a.meta}`).sort());
    } finally {
      await tls.stop();
      await sasl.stop();
      for (let id = 1; id <= front.ports.length; id++) await mock.advertise(id, '127.0.0.1', front.ports[id - 1]);
    }
  });
});
