// Issue 10, security on real listeners: SASL re-authentication (KIP-368). One Kafka 4.x node whose
// SASL listeners grant sessions of connections.max.reauth.ms = 4000 ms. For each mechanism a
// paced stream runs ~14 s — three and a half sessions — on the same connections: Kafka itself logs each
// re-authentication it began (its authenticator's DEBUG lines, turned on as an operator would
// with kafka-configs), no connection is lost and none remade (rxkafka's own connection log), and
// every record is delivered once, in order, read back by kcat (from the PLAINTEXT listener: kcat's
// librdkafka 2.0.2 cannot re-authenticate, so a 4 s session would cut its read). A broker whose
// session ends closes a connection that did not renew it at its next request, so delivery
// without a remade connection is itself the proof that each renewal was in time.
//
// Why 4 s and not shorter: the client renews at 85-95 % of the session (as Java's does), so the
// last request sent before a renewal must reach the broker's network thread within 5-15 % of the
// session; on a loaded test machine 150 ms (of 3 s) is too thin a margin to rely on.
import { interval, lastValueFrom, map, take, toArray } from 'rxjs';
import { toKafka } from '../../operators';
import type { SaslConfig } from '../../src/config/securityOptions';
import type { RecordMetadata } from '../../src/types';
import { brokerReauthentications, kcatSecurity, logSaslAuthentication, securedClusterFixture } from '../support/kafkaSecurity';
import { kcatConsume } from '../support/kcat';
import { captureLogs } from '../support/logCapture';
import { delivered } from '../support/readBack';
import { unsecuredToken } from '../support/saslServer';

const PASSWORD = 'app-secret';
const REAUTH_MS = 4000;

const fixture = securedClusterFixture('reauth', (pki) => ({
  nodes: 1,
  security: {
    tls: { certPath: pki.serverCert.path, keyPath: pki.serverKey.path, caPath: pki.ca.path },
    sasl: { mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'], users: { app: PASSWORD }, reauthMs: REAUTH_MS },
  },
}));

beforeAll(async () => {
  const { cluster, pki } = fixture;
  await logSaslAuthentication(cluster, cluster.bootstrapFor('SASL_PLAINTEXT'), kcatSecurity('SASL_PLAINTEXT', pki, { mechanism: 'PLAIN', username: 'app', password: PASSWORD }));
}, 60_000);

/**
 * What rxkafka's connections did, from its debug log: how many were made, and how many were lost
 * (closed with a cause: by the broker, a timeout, a failed renewal), not closed by rxkafka itself
 * (the bootstrap connection once the broker's own is open, and all of them at the end).
 */
function connectionLog(text: string): { connected: number; lost: string[] } {
  let connected = 0;
  const lost: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const entry = JSON.parse(line) as { msg?: string; cause?: string };
    if (entry.msg === 'connected') connected++;
    if (entry.msg === 'connection closed' && entry.cause !== undefined) lost.push(entry.cause);
  }
  return { connected, lost };
}

const RECORDS = 1750;
/** One record every 8 ms: ~14 s, three and a half sessions of 4 s. */
const PACE_MS = 8;

test.each([
  ['PLAIN', 'SASL_SSL'],
  ['SCRAM-SHA-256', 'SASL_PLAINTEXT'],
  ['SCRAM-SHA-512', 'SASL_SSL'],
  ['OAUTHBEARER', 'SASL_PLAINTEXT'],
] as const)('%s over %s: sessions of 4 s renewed on the same connections while a 14 s stream runs; every record delivered once, in order', async (mechanism, listener) => {
  const { cluster, pki } = fixture;
  const topic = await fixture.newTopic(3);
  let tokens = 0;
  const sasl: SaslConfig =
    mechanism === 'OAUTHBEARER'
      ? {
          mechanism: 'oauthbearer',
          oauthBearerProvider: async () => {
            tokens++;
            return { value: unsecuredToken('app', Date.now() + 3600_000) };
          },
        }
      : { mechanism, username: 'app', password: PASSWORD };
  const { logger, text } = captureLogs('debug');
  const before = brokerReauthentications(cluster);

  const paced = interval(PACE_MS).pipe(
    take(RECORDS),
    map((i) => ({ key: `k${i % 17}`, value: `v${i}`, meta: i })),
  );
  const config = { brokers: cluster.bootstrapFor(listener), topic, sasl, logger, lingerMs: 5, ...(listener === 'SASL_SSL' ? { ssl: { ca: pki.ca.pem } } : {}) };
  const acks: RecordMetadata<number>[] = delivered(await lastValueFrom(paced.pipe(toKafka<string, string, number>(config), toArray())));
  expect(acks).toHaveLength(RECORDS);

  // Kafka's side: the connection to node 1 was re-authenticated about every 4 s.
  const reauthentications = brokerReauthentications(cluster) - before;
  expect(reauthentications).toBeGreaterThanOrEqual(3);
  // rxkafka's side: the connections it opened at the start lasted the whole stream.
  const connections = connectionLog(text());
  expect(connections.lost).toEqual([]);
  // The bootstrap connection, then node 1's.
  expect(connections.connected).toBe(2);
  // OAUTHBEARER asks the provider for a fresh token at every renewal.
  if (mechanism === 'OAUTHBEARER') expect(tokens).toBe(connections.connected + reauthentications);

  const read = await kcatConsume(cluster.bootstrap, topic);
  expect(read).toHaveLength(RECORDS);
  const at = new Map(read.map((r) => [`${r.partition}:${r.offset}`, r.value]));
  for (const a of acks) expect(at.get(`${a.partition}:${a.offset}`)).toBe(`v${a.meta}`);
  // In the order sent: within each partition (so for each key), offsets rise with the send index.
  const sentOrder = [...acks].sort((x, y) => x.meta! - y.meta!);
  const offsets = (p: number): bigint[] => sentOrder.filter((a) => a.partition === p).map((a) => a.offset);
  for (let p = 0; p < 3; p++) expect(offsets(p)).toEqual([...offsets(p)].sort((x, y) => (x < y ? -1 : 1)));
  console.log(`${mechanism} over ${listener}: ${reauthentications} re-authentications by Kafka's count, ${connections.connected} connections, ${tokens} tokens`);
});
