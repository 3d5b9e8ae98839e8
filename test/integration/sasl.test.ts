// SASL to the real mock cluster: a SASL front (test/support/SaslFront.ts, proven with kcat in
// saslFront.test.ts) before each broker, advertised in Metadata, so that every connection the
// producer makes authenticates. What is acked is read back through the fronts by kcat
// (check.crcs). Bad credentials and expired tokens fail the records at once, typed, not retried;
// sessions that end (KIP-368) are renewed on the same connections without losing or reordering a
// record. 2.12 only: the 2.0.2 mock cannot advertise the fronts.
import { from, interval, lastValueFrom, map, take, toArray, type Observable } from 'rxjs';
import { SaslAuthenticationError, toKafka } from '../../operators';
import type { ProducerConfig } from '../../src/config/config';
import type { Ack, ProducerRecord, RecordMetadata } from '../../src/types';
import { kcatConsume } from '../support/kcat';
import { captureLogs } from '../support/logCapture';
import { MockCluster } from '../support/MockCluster';
import { startSaslFronts, type SaslFronts } from '../support/SaslFront';
import { unsecuredToken, type SaslServerConfig } from '../support/saslServer';

const PASSWORD = 'pa55-word-that-must-not-leak';
const USERS = { app: PASSWORD };

let mock: MockCluster;
let topicSeq = 0;

beforeAll(async () => {
  mock = await MockCluster.start({ brokers: 3 });
});

afterAll(async () => {
  await mock?.stop();
});

async function newTopic(partitions = 6): Promise<string> {
  const name = `sasl-${++topicSeq}`;
  await mock.createTopic(name, partitions, 1);
  return name;
}

function records(n: number): ProducerRecord<string, string, number>[] {
  return Array.from({ length: n }, (_, i) => ({ key: `k${i % 17}`, value: `v${i}`, meta: i }));
}

function produce(config: ProducerConfig, source: Observable<ProducerRecord<string, string, number>>): Promise<Ack<number>[]> {
  return lastValueFrom(source.pipe(toKafka<string, string, number>(config), toArray()));
}

function delivered(acks: Ack<number>[]): RecordMetadata<number>[] {
  for (const a of acks) if (a.error !== undefined) throw a.error;
  return acks as RecordMetadata<number>[];
}

/**
 * Reads `topic` with kcat — through the fronts with librdkafka's SASL, or (kcatSasl null) from the
 * mock's own plaintext listeners — and checks it holds exactly what was acked, in per-partition ack
 * order.
 */
async function expectReadBack(bootstrap: string, topic: string, acks: RecordMetadata<number>[], kcatSasl: Record<string, string> | null): Promise<void> {
  const read = await kcatConsume(bootstrap, topic, kcatSasl === null ? {} : { config: { 'security.protocol': 'SASL_PLAINTEXT', ...kcatSasl } });
  expect(read).toHaveLength(acks.length);
  const byCoordinate = new Map(read.map((r) => [`${r.partition}:${r.offset}`, r.value]));
  for (const a of acks) expect(byCoordinate.get(`${a.partition}:${a.offset}`)).toBe(`v${a.meta}`);
  // Per key, records were written in send order.
  const lastByKey = new Map<string, number>();
  for (const r of read) {
    const seq = Number(r.value!.slice(1));
    expect(seq).toBeGreaterThan(lastByKey.get(r.key!) ?? -1);
    lastByKey.set(r.key!, seq);
  }
}

const scramKcat = (mechanism: string) => ({ 'sasl.mechanisms': mechanism, 'sasl.username': 'app', 'sasl.password': PASSWORD });
const oauthKcat = { 'sasl.mechanisms': 'OAUTHBEARER', 'enable.sasl.oauthbearer.unsecure.jwt': 'true', 'sasl.oauthbearer.config': 'principal=app' };

/** Runs `body` with SASL fronts before the brokers, stopping them afterwards. */
async function withFronts(config: SaslServerConfig, body: (fronts: SaslFronts) => Promise<void>): Promise<void> {
  const fronts = await startSaslFronts(mock, config);
  try {
    await body(fronts);
  } finally {
    await fronts.stop();
  }
}

describe('SASL through the fronts', () => {
  test.each([
    ['plain', 'PLAIN'],
    ['scram-sha-256', 'SCRAM-SHA-256'],
    ['scram-sha-512', 'SCRAM-SHA-512'],
  ] as const)('%s: every record delivered and read back', async (mechanism, kafkaName) => {
    await withFronts({ mechanisms: [kafkaName], users: USERS }, async (fronts) => {
      const topic = await newTopic();
      const acks = delivered(await produce({ brokers: fronts.bootstrap, topic, sasl: { mechanism, username: 'app', password: PASSWORD } }, from(records(3000))));
      expect(acks).toHaveLength(3000);
      expect(fronts.stats()).toMatchObject({ failures: 0, unauthenticatedClosures: 0, expiredClosures: 0 });
      expect(fronts.stats().authentications).toBeGreaterThanOrEqual(2);
      await expectReadBack(fronts.bootstrap, topic, acks, scramKcat(kafkaName));
    });
  });

  test('oauthbearer: every record delivered with the provider token and read back', async () => {
    await withFronts({ mechanisms: ['OAUTHBEARER'], users: {} }, async (fronts) => {
      const topic = await newTopic();
      const oauthBearerProvider = async () => ({ value: unsecuredToken('app', Date.now() + 3600_000) });
      const acks = delivered(await produce({ brokers: fronts.bootstrap, topic, sasl: { mechanism: 'oauthbearer', oauthBearerProvider } }, from(records(3000))));
      expect(acks).toHaveLength(3000);
      await expectReadBack(fronts.bootstrap, topic, acks, oauthKcat);
    });
  });

  test('sessions of 1 s (SCRAM-SHA-512) are renewed on the same connections while a paced stream runs: nothing lost, nothing reordered', async () => {
    const topic = await newTopic();
    let acks: RecordMetadata<number>[] = [];
    await withFronts({ mechanisms: ['SCRAM-SHA-512'], users: USERS, sessionLifetimeMs: 1000 }, async (fronts) => {
      const all = records(1500);
      // ~4.5 s of records, one every 3 ms: every connection outlives several sessions.
      const paced = interval(3).pipe(take(all.length), map((i) => all[i]));
      acks = delivered(await produce({ brokers: fronts.bootstrap, topic, lingerMs: 20, sasl: { mechanism: 'scram-sha-512', username: 'app', password: PASSWORD } }, paced));
      expect(acks).toHaveLength(all.length);
      const stats = fronts.stats();
      expect(stats.reauthentications).toBeGreaterThanOrEqual(3);
      // No connection was dropped for an expired session, and none had to be remade.
      expect(stats).toMatchObject({ expiredClosures: 0, failures: 0 });
      expect(stats.connections).toBeLessThanOrEqual(4);
    });
    // Read back from the mock's own listeners once the fronts are gone: kcat's librdkafka 2.0.2
    // cannot re-authenticate (KIP-368 came in librdkafka 2.2), so 1 s fronts would cut its reads.
    await expectReadBack(mock.bootstrap, topic, acks, null);
  });

  test('an OAUTHBEARER session ends with its token: the provider is called again for each renewal', async () => {
    await withFronts({ mechanisms: ['OAUTHBEARER'], users: {} }, async (fronts) => {
      const topic = await newTopic(3);
      let tokens = 0;
      // Tokens valid 2 s (whole seconds in exp): the broker's session lasts as long as the token.
      const oauthBearerProvider = async () => {
        tokens++;
        return { value: unsecuredToken('app', Date.now() + 2000) };
      };
      const all = records(1200);
      const paced = interval(4).pipe(take(all.length), map((i) => all[i]));
      const acks = delivered(await produce({ brokers: fronts.bootstrap, topic, sasl: { mechanism: 'oauthbearer', oauthBearerProvider } }, paced));
      expect(acks).toHaveLength(all.length);
      expect(fronts.stats().reauthentications).toBeGreaterThanOrEqual(2);
      expect(tokens).toBe(fronts.stats().authentications);
      expect(fronts.stats().expiredClosures).toBe(0);
      await expectReadBack(fronts.bootstrap, topic, acks, oauthKcat);
    });
  });

  test('a wrong password fails every record at once with SaslAuthenticationError; the password is in no log line and no error', async () => {
    const { logger, text } = captureLogs();
    await withFronts({ mechanisms: ['SCRAM-SHA-256', 'PLAIN'], users: USERS }, async (fronts) => {
      const topic = await newTopic(2);
      const wrong = `${PASSWORD}-but-wrong`;
      const started = Date.now();
      const acks = await produce(
        { brokers: fronts.bootstrap, topic, logger, stopOnError: false, sasl: { mechanism: 'scram-sha-256', username: 'app', password: wrong } },
        from(records(30)),
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(acks).toHaveLength(30);
      for (const a of acks) {
        expect(a.error).toBeInstanceOf(SaslAuthenticationError);
        expect(a.error).toMatchObject({ retriable: false, mechanism: 'SCRAM-SHA-256' });
        expect(a.error!.message).toMatch(/Authentication failed during authentication due to invalid credentials .*check sasl.username and sasl.password/);
        expect(a.error!.message).not.toContain(PASSWORD);
      }
      // Not retried in a loop: a handful of attempts (one per broker tried), not one per record.
      expect(fronts.stats().failures).toBeLessThanOrEqual(4);
      // The right password over PLAIN (its bytes carry the password) at trace level: still not logged.
      delivered(await produce({ brokers: fronts.bootstrap, topic, logger, sasl: { mechanism: 'plain', username: 'app', password: PASSWORD } }, from(records(10))));
      await new Promise((r) => setImmediate(r));
      expect(text()).toMatch(/SCRAM-SHA-256/);
      expect(text()).not.toContain(PASSWORD);
    });
  });

  test('an expired token fails the records with SaslAuthenticationError saying so', async () => {
    await withFronts({ mechanisms: ['OAUTHBEARER'], users: {} }, async (fronts) => {
      const topic = await newTopic(2);
      const oauthBearerProvider = async () => ({ value: unsecuredToken('app', Date.now() - 60_000) });
      const acks = await produce({ brokers: fronts.bootstrap, topic, stopOnError: false, sasl: { mechanism: 'oauthbearer', oauthBearerProvider } }, from(records(5)));
      for (const a of acks) {
        expect(a.error).toBeInstanceOf(SaslAuthenticationError);
        expect(a.error!.message).toMatch(/invalid_token: the token expired .*check the token oauthBearerProvider returns/);
      }
    });
  });
});
