// The SASL front of the SASL tests (test/support/SaslFront.ts) is itself checked with a client
// nobody here wrote: kcat (librdkafka) produces and consumes through it with each mechanism, and
// is refused with a wrong password or an expired token. 2.12 only: the 2.0.2 mock cannot
// advertise the fronts' addresses.
import { kcatConsume, kcatProduce } from '../support/kcat';
import { MockCluster } from '../support/MockCluster';
import { startSaslFronts } from '../support/SaslFront';
import { unsecuredToken } from '../support/saslServer';

const USERS = { alice: 'alice-secret', 'bob,=x': 'pässwörd' };

let mock: MockCluster;
let fronts: Awaited<ReturnType<typeof startSaslFronts>>;

beforeAll(async () => {
  mock = await MockCluster.start({ brokers: 2 });
  fronts = await startSaslFronts(mock, { mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'], users: USERS });
});

afterAll(async () => {
  await fronts?.stop();
  await mock?.stop();
});

function sasl(mechanism: string, username: string, password: string): Record<string, string> {
  return { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanisms': mechanism, 'sasl.username': username, 'sasl.password': password };
}

const OAUTH = {
  'security.protocol': 'SASL_PLAINTEXT',
  'sasl.mechanisms': 'OAUTHBEARER',
  'enable.sasl.oauthbearer.unsecure.jwt': 'true',
  'sasl.oauthbearer.config': 'principal=alice',
};

describe('SASL front, proven with kcat', () => {
  test.each([
    ['PLAIN', sasl('PLAIN', 'alice', USERS.alice)],
    ['SCRAM-SHA-256', sasl('SCRAM-SHA-256', 'alice', USERS.alice)],
    ['SCRAM-SHA-512', sasl('SCRAM-SHA-512', 'bob,=x', USERS['bob,=x'])],
    ['OAUTHBEARER', OAUTH],
  ])('kcat produces and consumes through the fronts with %s', async (mechanism, config) => {
    const topic = `front-${mechanism.toLowerCase()}`;
    await mock.createTopic(topic, 2);
    const before = fronts.stats();
    await kcatProduce(fronts.bootstrap, topic, ['one', 'two', 'three'], undefined, { config });
    const records = await kcatConsume(fronts.bootstrap, topic, { config });
    expect(records.map((r) => r.value).sort()).toEqual(['one', 'three', 'two']);
    const after = fronts.stats();
    expect(after.authentications).toBeGreaterThan(before.authentications);
    expect(after.failures).toBe(before.failures);
    expect(after.unauthenticatedClosures).toBe(before.unauthenticatedClosures);
  });

  test.each([
    ['PLAIN', sasl('PLAIN', 'alice', 'wrong')],
    ['SCRAM-SHA-256', sasl('SCRAM-SHA-256', 'alice', 'wrong')],
    ['SCRAM-SHA-512', sasl('SCRAM-SHA-512', 'mallory', 'x')],
  ])('kcat is refused with bad %s credentials', async (_mechanism, config) => {
    const before = fronts.stats().failures;
    await expect(kcatProduce(fronts.bootstrap, 'front-refused', ['x'], undefined, { config, timeoutMs: 8000 })).rejects.toThrow(
      /Authentication failed|authentication|SASL/i,
    );
    expect(fronts.stats().failures).toBeGreaterThan(before);
  });

  test('kcat is refused with an expired OAUTHBEARER token', async () => {
    // librdkafka's unsecured tokens last an hour (lifeSeconds): this front's clock runs two hours ahead.
    const expired = await startSaslFronts(mock, {
      mechanisms: ['OAUTHBEARER'],
      users: {},
      now: () => Date.now() + 2 * 3600_000,
    });
    try {
      await expect(kcatProduce(expired.bootstrap, 'front-expired', ['x'], undefined, { config: OAUTH, timeoutMs: 8000 })).rejects.toThrow();
      expect(expired.stats().failures).toBeGreaterThan(0);
      expect(expired.stats().authentications).toBe(0);
    } finally {
      await expired.stop();
      // Put the shared fronts back in Metadata.
      for (let id = 1; id <= fronts.fronts.length; id++) await mock.advertise(id, '127.0.0.1', fronts.fronts[id - 1].port);
    }
  });

});
