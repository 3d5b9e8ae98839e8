import { failure } from '../support/fakeBroker';
import { negotiateApiVersions } from '../../src/network/negotiateApiVersions';
import { ConnectionError, KafkaProtocolError, ProtocolDecodeError, RxKafkaError } from '../../src/errors';

type Answer = { errorCode: number; apiKeys: Array<{ apiKey: number; minVersion: number; maxVersion: number }> } | Error;

/** A send function answering each ApiVersions version from a table; records the versions asked. */
function broker(answers: Record<number, Answer>) {
  const asked: number[] = [];
  const send = async (_api: unknown, _req: unknown, version: number) => {
    asked.push(version);
    const answer = answers[version];
    if (answer instanceof Error) throw answer;
    return { throttleTimeMs: 0, ...answer };
  };
  return { asked, send };
}

const OK = { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 9 }] };
const UNSUPPORTED = (max?: number) => ({
  errorCode: 35,
  apiKeys: max === undefined ? [] : [{ apiKey: 18, minVersion: 0, maxVersion: max }],
});

describe('negotiateApiVersions', () => {
  test('v3 first; done when the broker accepts it', async () => {
    const b = broker({ 3: OK });
    await expect(negotiateApiVersions('b', b.send)).resolves.toEqual({ version: 3, apiKeys: OK.apiKeys });
    expect(b.asked).toEqual([3]);
  });

  test('UNSUPPORTED_VERSION naming a max: jumps to it', async () => {
    const b = broker({ 3: UNSUPPORTED(0), 0: OK });
    await expect(negotiateApiVersions('b', b.send)).resolves.toMatchObject({ version: 0 });
    expect(b.asked).toEqual([3, 0]);
  });

  test('UNSUPPORTED_VERSION without a range, or with a useless one: one step down', async () => {
    const b = broker({ 3: UNSUPPORTED(), 2: UNSUPPORTED(7), 1: OK });
    await expect(negotiateApiVersions('b', b.send)).resolves.toMatchObject({ version: 1 });
    expect(b.asked).toEqual([3, 2, 1]);
  });

  test('a decode failure steps down; other failures end negotiation', async () => {
    const b = broker({ 3: new ProtocolDecodeError('garbage'), 2: OK });
    await expect(negotiateApiVersions('b', b.send)).resolves.toMatchObject({ version: 2 });
    const lost = broker({ 3: new ConnectionError('b', 'reset') });
    await expect(negotiateApiVersions('b', lost.send)).rejects.toBeInstanceOf(ConnectionError);
    expect(lost.asked).toEqual([3]);
  });

  test('another error code is a KafkaProtocolError', async () => {
    const b = broker({ 3: { errorCode: 31, apiKeys: [] } });
    const err = await failure(negotiateApiVersions('b', b.send));
    expect(err).toBeInstanceOf(KafkaProtocolError);
    expect(err.message).toMatch(/CLUSTER_AUTHORIZATION_FAILED.*ApiVersions v3 from b/);
  });

  test('refused at every version: a non-retriable error saying so', async () => {
    const b = broker({ 3: UNSUPPORTED(), 2: UNSUPPORTED(), 1: UNSUPPORTED(), 0: UNSUPPORTED() });
    const err = await failure(negotiateApiVersions('b', b.send));
    expect(err).toBeInstanceOf(RxKafkaError);
    expect((err as RxKafkaError).retriable).toBe(false);
    expect(err.message).toMatch(/refused every ApiVersions version/);
  });
});
