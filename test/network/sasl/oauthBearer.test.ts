import { OauthBearerClient, TokenProviderError } from '../../../src/network/sasl/oauthBearer';
import { failure } from '../../support/fakeBroker';

const SOH = '\u0001';

describe('OAUTHBEARER client', () => {
  it('sends the RFC 7628 client message with the provider token', async () => {
    const c = new OauthBearerClient(async () => ({ value: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.' }));
    expect((await c.start()).toString()).toBe(`n,,${SOH}auth=Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.${SOH}${SOH}`);
    expect(c.respond(Buffer.alloc(0))).toBeNull();
  });

  it('appends SASL extensions (KIP-342) as key=value pairs', async () => {
    const c = new OauthBearerClient(async () => ({ value: 't0k', extensions: { logicalCluster: 'lkc-1', identityPoolId: 'pool-2' } }));
    expect((await c.start()).toString()).toBe(`n,,${SOH}auth=Bearer t0k${SOH}logicalCluster=lkc-1${SOH}identityPoolId=pool-2${SOH}${SOH}`);
  });

  it('asks the provider again for every authentication', async () => {
    let calls = 0;
    const provider = async () => ({ value: `token${++calls}` });
    await new OauthBearerClient(provider).start();
    const second = await new OauthBearerClient(provider).start();
    expect(second.toString()).toContain('auth=Bearer token2');
    expect(calls).toBe(2);
  });

  it("acknowledges the broker's error status with a lone SOH and reports the status", async () => {
    const c = new OauthBearerClient(async () => ({ value: 'expired' }));
    await c.start();
    expect(c.respond(Buffer.from('{"status":"invalid_token"}'))).toEqual(Buffer.from(SOH));
    expect(c.failureDetail()).toBe('the broker said {"status":"invalid_token"}');
    expect(() => c.respond(Buffer.from('again'))).toThrow(/after refusing the token/);
  });

  it('wraps a failing provider, so that it is told apart from a bad token', async () => {
    const c = new OauthBearerClient(async () => {
      throw new Error('token endpoint down');
    });
    const err = await failure(c.start());
    expect(err).toBeInstanceOf(TokenProviderError);
    expect(err.message).toBe('oauthBearerProvider failed: token endpoint down');
  });

  it.each([
    [{ value: '' }, /empty or has characters/],
    [{ value: 'has space' }, /empty or has characters/],
    [{ value: 'x\u0001y' }, /empty or has characters/],
    [{ nope: 1 }, /must resolve to \{ value: string/],
    [{ value: 't', extensions: { 'bad-key': 'v' } }, /extension 'bad-key'.*letters only/],
    [{ value: 't', extensions: { auth: 'v' } }, /not 'auth'/],
    [{ value: 't', extensions: { ok: 'a\u0001b' } }, /printable ASCII/],
  ])('refuses a malformed token %j without quoting it', async (token, message) => {
    const err = await failure(new OauthBearerClient(async () => token as never).start());
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toMatch(message);
    if ('value' in token && token.value.length > 2) expect(err.message).not.toContain(token.value);
  });
});
