// authenticateSasl's refusals as Apache Kafka words them, with a scripted broker: the message the
// user gets quotes the broker once and says what to check.
import { SaslAuthenticationError } from '../../../src/errors';
import { authenticateSasl } from '../../../src/network/sasl/authenticate';
import type { SaslOptions } from '../../../src/network/sasl/SaslOptions';
import { ErrorCode } from '../../../src/protocol/errorCodes';
import { SaslAuthenticate } from '../../../src/protocol/SaslAuthenticate';
import { SaslHandshake } from '../../../src/protocol/SaslHandshake';

const versions = new Map([
  [SaslHandshake.apiKey, { minVersion: 0, maxVersion: 1 }],
  [SaslAuthenticate.apiKey, { minVersion: 0, maxVersion: 2 }],
]);

/** A broker that accepts the handshake, then answers SaslAuthenticate rounds from `rounds`. */
function scripted(rounds: Array<{ errorCode: number; errorMessage: string | null; authBytes: string }>) {
  return async (api: { apiKey: number }): Promise<unknown> => {
    if (api.apiKey === SaslHandshake.apiKey) return { errorCode: ErrorCode.NONE, mechanisms: ['OAUTHBEARER', 'SCRAM-SHA-512'] };
    const next = rounds.shift();
    if (next === undefined) throw new Error('no more rounds scripted');
    return { ...next, authBytes: Buffer.from(next.authBytes), sessionLifetimeMs: 0 };
  };
}

async function refusal(sasl: SaslOptions, send: ReturnType<typeof scripted>): Promise<SaslAuthenticationError> {
  const err = await authenticateSasl('b:9092', sasl, versions, send).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SaslAuthenticationError);
  return err as SaslAuthenticationError;
}

test("Kafka 4's refused token: its status is quoted once, with what to check", async () => {
  const status = '{"status":"invalid_token"}';
  // Kafka sends the status as a challenge, then (after the client's lone SOH) fails with the same text.
  const send = scripted([
    { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: status },
    { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: status, authBytes: '' },
  ]);
  const err = await refusal({ mechanism: 'OAUTHBEARER', oauthBearerProvider: async () => ({ value: 'a.b.c' }) }, send);
  expect(err.message).toBe(
    'authentication with b:9092 failed: SASL OAUTHBEARER: the broker said {"status":"invalid_token"}; check the token oauthBearerProvider returns (expiry, audience, signature)',
  );
});

test("a refused password: Kafka's words, then what to check", async () => {
  const said = 'Authentication failed: Invalid username or password';
  const send = scripted([{ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: said, authBytes: '' }]);
  const err = await refusal({ mechanism: 'PLAIN', username: 'app', password: 'wrong' } as SaslOptions, send);
  expect(err.message).toBe(
    `authentication with b:9092 failed: SASL PLAIN: ${said}; check sasl.username and sasl.password, and that the user exists for this mechanism on the broker`,
  );
});
