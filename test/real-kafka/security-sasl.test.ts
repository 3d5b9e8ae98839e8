// Issue 10, security on real listeners: SASL. A 3-node Kafka 4.x cluster with SASL_PLAINTEXT and
// SASL_SSL listeners enabling PLAIN (users in the listener's JAAS), SCRAM-SHA-256 and
// SCRAM-SHA-512 (credentials written into the metadata when the storage was formatted) and
// OAUTHBEARER (Kafka's unsecured JWS validator). Every mechanism on both listeners delivers, each
// broker connection authenticating, and the records are read back through the same listener and
// mechanism: by kcat for PLAIN and OAUTHBEARER, by Kafka's console consumer for SCRAM (kcat's
// librdkafka 2.0.2 cannot do SCRAM with Kafka 4: see test/support/kafkaSecurity.ts). Bad
// credentials — wrong password, unknown user, a SCRAM user never created, an expired token — fail
// the records at once (well under maxBlockMs), typed SaslAuthenticationError, not retried, saying
// what to check and never showing the password. A client without sasl on a SASL listener is
// retried (Kafka closes the connection, as a broker going away would) and its records fail at
// maxBlockMs saying to set sasl.
import { from, lastValueFrom, toArray } from 'rxjs';
import { SaslAuthenticationError, toKafka } from '../../operators';
import type { ProducerConfig } from '../../src/config/config';
import type { SaslConfig } from '../../src/config/securityOptions';
import type { Ack, RecordMetadata } from '../../src/types';
import type { ListenerName } from '../support/KafkaCluster';
import { javaSecurity, kcatSecurity, securedClusterFixture, type SaslLogin } from '../support/kafkaSecurity';
import { consoleConsume } from '../support/consoleConsumer';
import { kcatConsume } from '../support/kcat';
import { delivered } from '../support/readBack';
import { captureLogs } from '../support/logCapture';
import { unsecuredToken } from '../support/saslServer';

const PASSWORD = 'pa55-word-that-must-not-leak';

const fixture = securedClusterFixture('sasl', (pki) => ({
  nodes: 3,
  security: {
    tls: { certPath: pki.serverCert.path, keyPath: pki.serverKey.path, caPath: pki.ca.path },
    sasl: { mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'], users: { app: PASSWORD } },
  },
}));

type Mechanism = SaslLogin['mechanism'];

/** rxkafka's sasl option for `mechanism` as user app (OAUTHBEARER: an unsigned token for app, valid an hour). */
function saslFor(mechanism: Mechanism, password = PASSWORD, username = 'app'): SaslConfig {
  if (mechanism === 'OAUTHBEARER') return { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: unsecuredToken(username, Date.now() + 3600_000) }) };
  return { mechanism, username, password };
}

function loginFor(mechanism: Mechanism): SaslLogin {
  return mechanism === 'OAUTHBEARER' ? { mechanism, principal: 'app' } : { mechanism, username: 'app', password: PASSWORD };
}

/** The producer options to reach `listener` with `sasl`. */
function over(listener: 'SASL_PLAINTEXT' | 'SASL_SSL', sasl: SaslConfig): Pick<ProducerConfig, 'brokers' | 'ssl' | 'sasl'> {
  const { cluster, pki } = fixture;
  return { brokers: cluster.bootstrapFor(listener), sasl, ...(listener === 'SASL_SSL' ? { ssl: { ca: pki.ca.pem } } : {}) };
}

function produce(config: ProducerConfig, n: number): Promise<Ack<number>[]> {
  const records = Array.from({ length: n }, (_, i) => ({ key: `k${i % 17}`, value: `v${i}`, meta: i }));
  return lastValueFrom(from(records).pipe(toKafka<string, string, number>(config), toArray()));
}

/** Reads `topic` back through `listener` as `mechanism` and checks it holds exactly the acked records, each at its offset. */
async function expectReadBack(listener: ListenerName, mechanism: Mechanism, topic: string, acks: RecordMetadata<number>[]): Promise<void> {
  const { cluster, pki } = fixture;
  const read = mechanism.startsWith('SCRAM-')
    ? await consoleConsume(cluster, topic, { maxMessages: acks.length, bootstrap: cluster.bootstrapFor(listener), consumerConfig: javaSecurity(listener, pki, loginFor(mechanism)) })
    : await kcatConsume(cluster.bootstrapFor(listener), topic, { config: kcatSecurity(listener, pki, loginFor(mechanism)) });
  expect(read).toHaveLength(acks.length);
  const at = new Map(read.map((r) => [`${r.partition}:${r.offset}`, `${r.key}=${r.value}`]));
  for (const a of acks) expect(at.get(`${a.partition}:${a.offset}`)).toBe(`k${a.meta! % 17}=v${a.meta}`);
}

describe.each(['SASL_PLAINTEXT', 'SASL_SSL'] as const)('%s', (listener) => {
  test.each(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'] as const)('%s: every record delivered to the 3 brokers and read back through the same listener and mechanism', async (mechanism) => {
    const topic = await fixture.newTopic(3);
    const acks = delivered(await produce({ ...over(listener, saslFor(mechanism)), topic, acks: 'all' }, 2000));
    expect(acks).toHaveLength(2000);
    // Three partitions led by three brokers: each connection authenticated on its own.
    expect(new Set(await fixture.cluster.leaders(topic)).size).toBe(3);
    await expectReadBack(listener, mechanism, topic, acks);
  });
});

describe('bad credentials fail at once, typed, saying what to check', () => {
  const cases: Array<[string, 'SASL_PLAINTEXT' | 'SASL_SSL', SaslConfig, RegExp]> = [
    ['PLAIN, wrong password', 'SASL_SSL', saslFor('PLAIN', `${PASSWORD}-but-wrong`), /Invalid username or password.*check sasl\.username and sasl\.password/],
    ['PLAIN, unknown user', 'SASL_PLAINTEXT', saslFor('PLAIN', PASSWORD, 'nobody'), /Invalid username or password.*check sasl\.username and sasl\.password/],
    ['SCRAM-SHA-256, wrong password', 'SASL_PLAINTEXT', saslFor('SCRAM-SHA-256', `${PASSWORD}-but-wrong`), /invalid credentials with SASL mechanism SCRAM-SHA-256.*check sasl\.username and sasl\.password, and that the user exists for this mechanism/],
    ['SCRAM-SHA-512, a user never created', 'SASL_SSL', saslFor('SCRAM-SHA-512', PASSWORD, 'ghost'), /invalid credentials with SASL mechanism SCRAM-SHA-512.*that the user exists for this mechanism on the broker/],
    [
      'OAUTHBEARER, an expired token',
      'SASL_PLAINTEXT',
      { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: unsecuredToken('app', Date.now() - 60_000) }) },
      /the broker said \{"status":"invalid_token"\}; check the token oauthBearerProvider returns/,
    ],
  ];
  // One topic for all: each case checks that it is still empty.
  let topic: string;
  beforeAll(async () => {
    topic = await fixture.newTopic(3);
  }, 60_000);

  test.each(cases)('%s (%s): every record fails with SaslAuthenticationError, not retried; nothing written; no password in errors or logs', async (_name, listener, sasl, advice) => {
    const { cluster } = fixture;
    const { logger, text } = captureLogs();
    const started = Date.now();
    const acks = await produce({ ...over(listener, sasl), topic, logger, stopOnError: false, maxBlockMs: 60_000 }, 30);
    // Not retried until maxBlockMs (60 s): another attempt with the same credentials fails the same way.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(acks).toHaveLength(30);
    for (const a of acks) {
      expect(a.error).toBeInstanceOf(SaslAuthenticationError);
      expect(a.error).toMatchObject({ retriable: false, mechanism: sasl.mechanism.toUpperCase() });
      expect(a.error!.message).toMatch(advice);
      expect(a.error!.message).not.toContain(PASSWORD);
    }
    expect(text()).not.toContain(PASSWORD);
    expect(await kcatConsume(cluster.bootstrap, topic)).toHaveLength(0);
  });
});

test('no sasl on a SASL listener: Kafka answers ApiVersions, then closes; retried until maxBlockMs, the records fail saying to set sasl', async () => {
  const { cluster } = fixture;
  const topic = await fixture.newTopic(1);
  const acks = await produce({ brokers: cluster.bootstrapFor('SASL_PLAINTEXT'), topic, stopOnError: false, maxBlockMs: 5000 }, 5);
  for (const a of acks) {
    expect(a.error).toMatchObject({ retriable: false });
    expect(a.error!.message).toMatch(/closed by the broker at the first request after ApiVersions: if this is a SASL_PLAINTEXT or SASL_SSL listener, set sasl/);
  }
});
