import { inspect } from 'node:util';
import { ConfigError } from '../../src/errors';
import { resolveConfig } from '../../src/config/config';
import { captureLogs } from '../support/logCapture';

const brokers = 'localhost:9092';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
const SECRET = 'hunter2-very-secret';

function configError(config: Record<string, unknown>): ConfigError {
  try {
    resolveConfig({ brokers, ...config });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).not.toContain(SECRET);
    return err as ConfigError;
  }
  throw new Error('resolveConfig did not throw');
}


describe('ssl', () => {
  it('is off by default; true means TLS with Node defaults (system CAs, certificates checked)', () => {
    expect(resolveConfig({ brokers }).ssl).toBeUndefined();
    expect(resolveConfig({ brokers, ssl: false }).ssl).toBeUndefined();
    expect(resolveConfig({ brokers, ssl: true }).ssl).toEqual({});
  });

  it('takes PEM contents for ca, cert and key, a servername, rejectUnauthorized', () => {
    const ssl = resolveConfig({
      brokers,
      ssl: { ca: [PEM, Buffer.from(PEM)], cert: PEM, key: KEY, passphrase: 'p', servername: 'kafka.internal', rejectUnauthorized: true },
    }).ssl;
    expect(ssl).toEqual({ ca: [PEM, Buffer.from(PEM)], cert: PEM, key: KEY, passphrase: 'p', servername: 'kafka.internal', rejectUnauthorized: true });
  });

  it.each([
    [{ ssl: 'yes' }, 'ssl', /must be true, false or an object: ssl: true, or ssl: \{ ca, cert, key, passphrase, servername, rejectUnauthorized \}/],
    [{ ssl: { truststore: 'x' } }, 'ssl.truststore', /is not an ssl option/],
    [{ ssl: { ca: '/etc/kafka/ca.pem' } }, 'ssl.ca', /must be the PEM contents .* not a file name: read the file, e.g. fs.readFileSync\('ca.pem', 'utf8'\)/],
    [{ ssl: { ca: 42 } }, 'ssl.ca', /must be PEM text .* got a number/],
    [{ ssl: { ca: [] } }, 'ssl.ca', /empty array/],
    [{ ssl: { cert: PEM } }, 'ssl.key', /is needed too: a client certificate goes with its private key/],
    [{ ssl: { key: KEY } }, 'ssl.cert', /is needed too/],
    [{ ssl: { cert: PEM, key: 'client.key' } }, 'ssl.key', /PEM contents \('-----BEGIN PRIVATE KEY-----' …\), not a file name.*client.key/],
    [{ ssl: { servername: '' } }, 'ssl.servername', /must be a host name/],
    [{ ssl: { rejectUnauthorized: 'false' } }, 'ssl.rejectUnauthorized', /must be true or false, got a string/],
  ])('rejects %j', (config, option, message) => {
    const err = configError(config);
    expect(err.option).toBe(option);
    expect(err.message).toMatch(message);
  });

  it('never quotes a key in an error', () => {
    const err = configError({ ssl: { cert: PEM, key: `${SECRET} is not PEM` } });
    expect(err.message).not.toContain(SECRET);
  });

  it('warns when certificates are not checked', async () => {
    const { logger, text } = captureLogs();
    resolveConfig({ brokers, ssl: { rejectUnauthorized: false }, logger });
    await new Promise((r) => setImmediate(r));
    expect(text()).toMatch(/rejectUnauthorized is false: .* use it for tests only/);
  });
});

describe('sasl', () => {
  it.each([
    ['plain', 'PLAIN'],
    ['scram-sha-256', 'SCRAM-SHA-256'],
    ['SCRAM-SHA-512', 'SCRAM-SHA-512'],
    ['Scram-Sha-512', 'SCRAM-SHA-512'],
  ])('takes mechanism %s (case-insensitive) as Kafka spells it, %s', (mechanism, kafka) => {
    const sasl = resolveConfig({ brokers, sasl: { mechanism: mechanism as 'plain', username: 'app', password: SECRET } }).sasl;
    expect(sasl).toMatchObject({ mechanism: kafka, username: 'app' });
    expect(sasl && 'password' in sasl && sasl.password).toBe(SECRET);
  });

  it('takes oauthbearer with a token provider', () => {
    const oauthBearerProvider = async () => ({ value: 't' });
    expect(resolveConfig({ brokers, sasl: { mechanism: 'oauthbearer', oauthBearerProvider } }).sasl).toEqual({
      mechanism: 'OAUTHBEARER',
      oauthBearerProvider,
    });
  });

  it.each([
    [{ sasl: 'scram' }, 'sasl', /must be an object: sasl: \{ mechanism: 'plain' \| 'scram-sha-256' \| 'scram-sha-512', username, password \} or/],
    [{ sasl: { username: 'a', password: SECRET } }, 'sasl.mechanism', /is required: one of 'plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'/],
    [{ sasl: { mechanism: 'scram-sha-1', username: 'a', password: SECRET } }, 'sasl.mechanism', /'scram-sha-1' is not a SASL mechanism rxkafka knows/],
    [{ sasl: { mechanism: 'gssapi' } }, 'sasl.mechanism', /GSSAPI \(Kerberos\) is not supported/],
    [{ sasl: { mechanism: 'plain', password: SECRET } }, 'sasl.username', /is required for PLAIN: a non-empty string, got nothing/],
    [{ sasl: { mechanism: 'scram-sha-512', username: 'a' } }, 'sasl.password', /is required for SCRAM-SHA-512: a non-empty string, got nothing/],
    [{ sasl: { mechanism: 'plain', username: 'a', password: '' } }, 'sasl.password', /got an empty string/],
    [{ sasl: { mechanism: 'plain', username: 'a', password: 123456 } }, 'sasl.password', /got a number$/],
    [{ sasl: { mechanism: 'plain', user: 'a', password: SECRET } }, 'sasl.user', /is not a sasl option for PLAIN, which takes username and password/],
    [{ sasl: { mechanism: 'oauthbearer' } }, 'sasl.oauthBearerProvider', /is required for OAUTHBEARER: a function returning a promise of \{ value: token \}/],
    [{ sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: 't' }), password: SECRET } }, 'sasl.password', /not a sasl option for OAUTHBEARER/],
  ])('rejects %j without showing the password', (config, option, message) => {
    const err = configError(config);
    expect(err.option).toBe(option);
    expect(err.message).toMatch(message);
  });

  it('a numeric password is not shown either', () => {
    expect(configError({ sasl: { mechanism: 'plain', username: 'a', password: 987654321 } }).message).not.toContain('987654321');
  });

  it('the resolved password stays out of JSON, util.inspect, spreads and logs', async () => {
    const { logger, text } = captureLogs();
    const config = resolveConfig({ brokers, sasl: { mechanism: 'scram-sha-512', username: 'app', password: SECRET }, logger });
    expect(JSON.stringify(config.sasl)).toBe('{"mechanism":"SCRAM-SHA-512","username":"app"}');
    expect(inspect(config, { depth: 5 })).not.toContain(SECRET);
    expect(JSON.stringify({ ...config, logger: undefined })).not.toContain(SECRET);
    logger.info({ config: { ...config, logger: undefined }, sasl: config.sasl }, 'resolved');
    await new Promise((r) => setImmediate(r));
    expect(text()).toContain('SCRAM-SHA-512');
    expect(text()).not.toContain(SECRET);
  });

  it('warns that PLAIN without ssl sends the password in clear text', async () => {
    const { logger, text } = captureLogs();
    resolveConfig({ brokers, sasl: { mechanism: 'plain', username: 'a', password: SECRET }, logger });
    resolveConfig({ brokers, sasl: { mechanism: 'plain', username: 'a', password: SECRET }, ssl: true, logger: logger.child({ second: true }) });
    await new Promise((r) => setImmediate(r));
    expect(text().match(/sasl PLAIN without ssl sends the password in clear text/g)).toHaveLength(1);
    expect(text()).not.toContain(SECRET);
  });

  it('Java security properties point to the ssl and sasl options', () => {
    for (const name of ['security.protocol', 'sasl.mechanism', 'sasl.jaas.config', 'ssl.truststore.location']) {
      expect(configError({ [name]: 'x' }).message).toMatch(/rxkafka takes TLS and SASL settings as objects, not Java properties: ssl: true \|/);
    }
  });
});
