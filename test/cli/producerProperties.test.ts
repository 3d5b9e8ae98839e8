import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadProducerProperties, producerProperties, xProperties } from '../../src/cli/producerProperties';
import type { PropertySource } from '../../src/cli/propertySource';
import { makeTestPki, type TestPki } from '../support/testCa';
import { usageErrorOf } from '../support/cliUsageError';

let pki: TestPki;
/** Test files, in the PKI's temporary directory. */
const file = (name: string, content: string | Buffer): string => {
  const p = path.join(pki.dir, name);
  fs.writeFileSync(p, content);
  return p;
};

beforeAll(async () => {
  pki = await makeTestPki();
}, 60_000);
afterAll(() => pki?.remove());

/** Properties as if from -X, in order. */
function props(entries: Record<string, string>): PropertySource[] {
  return Object.entries(entries).map(([name, value]) => ({ name, value, origin: '-X' }));
}

describe('the file and -X', () => {
  it('reads Java names with their string values, each labelled with its file and line; -X after the file; the last of a name wins', () => {
    const f = file('p1.properties', '# producer\nbootstrap.servers=b1:9092\nlinger.ms = 10\nacks: 1\ncompression.type gzip\nenable.idempotence=false\nlinger.ms=15\n');
    const { config, labels } = loadProducerProperties(f, ['batch.size=1024', 'acks=all']);
    expect(config).toEqual({
      'bootstrap.servers': 'b1:9092',
      'compression.type': 'gzip',
      'enable.idempotence': 'false',
      'linger.ms': '15',
      'batch.size': '1024',
      acks: 'all',
    });
    expect(labels).toEqual({
      'bootstrap.servers': `${f}:2: bootstrap.servers`,
      'compression.type': `${f}:5: compression.type`,
      'enable.idempotence': `${f}:6: enable.idempotence`,
      'linger.ms': `${f}:7: linger.ms`,
      'batch.size': '-X batch.size',
      acks: '-X acks',
    });
  });

  it('trims values, as Kafka does (a properties file keeps trailing blanks)', () => {
    const f = file('blanks.properties', 'linger.ms = 10  \ncompression.type=gzip\t\nsecurity.protocol=SSL \nssl.truststore.location=' + pki.ca.path + '  \n');
    expect(loadProducerProperties(f, []).config).toEqual({ 'linger.ms': '10', 'compression.type': 'gzip', ssl: { ca: [pki.ca.pem.trim()] } });
  });

  it('gives nothing when neither is given', () => {
    expect(loadProducerProperties(undefined, undefined)).toEqual({ config: {}, labels: {}, ignored: [] });
  });

  it('-X splits at the first =, and takes the value literally', () => {
    expect(xProperties(['client.id=a=b\\t c'])).toEqual([{ name: 'client.id', value: 'a=b\\t c', origin: '-X' }]);
    expect(usageErrorOf(() => xProperties(['linger.ms']))).toBe("-X takes name=value (a Java producer property, e.g. -X linger.ms=20), got 'linger.ms'");
    expect(usageErrorOf(() => xProperties(['=5']))).toBe("-X takes name=value (a Java producer property, e.g. -X linger.ms=20), got '=5'");
  });

  it('an unreadable file: the path and the OS error', () => {
    const missing = path.join(pki.dir, 'nope.properties');
    expect(usageErrorOf(() => loadProducerProperties(missing, []))).toBe(`--producer.config: cannot read '${missing}': ENOENT: no such file or directory`);
    expect(usageErrorOf(() => loadProducerProperties(pki.dir, []))).toBe(`--producer.config: cannot read '${pki.dir}': EISDIR: illegal operation on a directory`);
  });

  it('a property without a name: file:line', () => {
    const f = file('noname.properties', 'acks=1\n=5\n');
    expect(usageErrorOf(() => loadProducerProperties(f, []))).toBe(`${f}:2: a property without a name (a line such as '=value', or a lone '\\')`);
  });

  it('a malformed line: file:line', () => {
    const f = file('bad.properties', 'acks=1\n\nclient.id=\\u00zz\n');
    expect(usageErrorOf(() => loadProducerProperties(f, []))).toBe(`${f}:3: malformed \\uXXXX escape '\\u00zz': it needs 4 hexadecimal digits (write a backslash as \\\\)`);
  });
});

describe('names', () => {
  it.each([
    [{ 'linger.msx': '5' }, "-X linger.msx: is not a producer option; did you mean 'linger.ms'?"],
    [{ lingerms: '5' }, "-X lingerms: is not a producer option; did you mean 'linger.ms'?"],
    [{ lingerMs: '5' }, "-X lingerMs: is rxkafka's name for the Java producer's 'linger.ms': properties take Java names"],
    [{ bufferPolicy: 'error' }, "-X bufferPolicy: has no Java producer name: properties take Java names; see the command's flags for rxkafka's own options"],
    [{ 'key.serializer': 'org.apache.kafka.common.serialization.StringSerializer' }, "-X key.serializer: is not used: the CLI sends each key's bytes as they are (Java's ByteArraySerializer); remove it"],
    [{ 'metadata.max.idle.ms': '1000' }, '-X metadata.max.idle.ms: is a Java producer option that rxkafka does not implement: remove it'],
    [{ 'no.such.thing': 'x' }, '-X no.such.thing: is not a producer option; see ProducerConfig for the options rxkafka knows'],
  ])('%j is refused: %s', (entries, message) => {
    expect(usageErrorOf(() => producerProperties(props(entries)))).toBe(message);
  });
});

describe("a shared client.properties (Confluent Cloud's, as its console generates it for Java)", () => {
  // The file as Confluent Cloud's "Clients → Java" page gives it: the producer's connection
  // settings with a consumer's session timeout, the DNS setting, and Schema Registry's.
  const cloudFile = (): string =>
    file(
      'cloud.properties',
      [
        '# Required connection configs for Kafka producer, consumer, and admin',
        'bootstrap.servers=pkc-12345.europe-west1.gcp.confluent.cloud:9092',
        'security.protocol=SASL_SSL',
        "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username='KEY123' password='s3cr3t/+=';",
        'sasl.mechanism=PLAIN',
        'client.dns.lookup=use_all_dns_ips',
        'session.timeout.ms=45000',
        'acks=all',
        'schema.registry.url=https://psrc-1.europe-west1.gcp.confluent.cloud',
        'basic.auth.credentials.source=USER_INFO',
        'basic.auth.user.info=SRKEY:sr-s3cr3t',
        '',
      ].join('\n'),
    );

  it('is taken: the producer settings read, the consumer and Schema Registry lines ignored with one warning each, no value quoted', () => {
    const f = cloudFile();
    const warnings: string[] = [];
    const { config, ignored } = loadProducerProperties(f, [], (line) => warnings.push(line));
    expect(config).toEqual({
      'bootstrap.servers': 'pkc-12345.europe-west1.gcp.confluent.cloud:9092',
      acks: 'all',
      ssl: true,
      sasl: { mechanism: 'PLAIN', username: 'KEY123', password: 's3cr3t/+=' },
    });
    expect(warnings).toEqual([
      `${f}:7: session.timeout.ms is a consumer property, not the producer's: ignored`,
      `${f}:9: schema.registry.url is a Schema Registry property, not the producer's: ignored`,
      `${f}:10: basic.auth.credentials.source is a Schema Registry property, not the producer's: ignored`,
      `${f}:11: basic.auth.user.info is a Schema Registry property, not the producer's: ignored`,
    ]);
    expect(ignored).toEqual(warnings);
    expect(warnings.join('\n')).not.toMatch(/sr-s3cr3t|45000|psrc/);
  });

  it('-X with a consumer property warns as well (kcat -X does), and a name no client has stays an error', () => {
    const warnings: string[] = [];
    expect(loadProducerProperties(undefined, ['group.id=g', 'linger.ms=7'], (line) => warnings.push(line)).config).toEqual({ 'linger.ms': '7' });
    expect(warnings).toEqual(["-X group.id is a consumer property, not the producer's: ignored"]);
    expect(usageErrorOf(() => producerProperties(props({ 'group.idx': 'g' })))).toBe('-X group.idx: is not a producer option; see ProducerConfig for the options rxkafka knows');
  });

  it('client.dns.lookup: use_all_dns_ips is what rxkafka does; the other value is refused, saying so', () => {
    expect(producerProperties(props({ 'client.dns.lookup': ' use_all_dns_ips ' })).config).toEqual({});
    expect(usageErrorOf(() => producerProperties(props({ 'client.dns.lookup': 'resolve_canonical_bootstrap_servers_only' })))).toBe(
      '-X client.dns.lookup: resolve_canonical_bootstrap_servers_only is not implemented: rxkafka connects as use_all_dns_ips does (remove the property, or set it to use_all_dns_ips)',
    );
    expect(usageErrorOf(() => producerProperties(props({ 'client.dns.lookup': 'default' })))).toBe(
      "-X client.dns.lookup: must be use_all_dns_ips (rxkafka's behaviour; Java also has resolve_canonical_bootstrap_servers_only, which rxkafka does not implement), got 'default'",
    );
  });
});

describe('security', () => {
  const ssl = (entries: Record<string, string>) => producerProperties(props({ 'security.protocol': 'SSL', ...entries })).config.ssl;

  it('security.protocol SSL alone: TLS with the system CAs', () => {
    expect(producerProperties(props({ 'security.protocol': 'ssl' })).config).toEqual({ ssl: true });
    expect(producerProperties(props({ 'security.protocol': 'PLAINTEXT' })).config).toEqual({});
  });

  it('a PEM trust store file: its certificates are ssl.ca', () => {
    const bundle = file('bundle.pem', `# CAs\n${pki.ca.pem}${pki.otherCa.pem}`);
    expect(ssl({ 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': pki.ca.path })).toEqual({ ca: [pki.ca.pem.trim()] });
    expect(ssl({ 'ssl.truststore.location': bundle })).toEqual({ ca: [pki.ca.pem.trim(), pki.otherCa.pem.trim()] });
  });

  it('a PEM key store file (key and certificate): ssl.key and ssl.cert, with ssl.key.password', () => {
    const store = file('client-store.pem', pki.clientKey.pem + pki.clientCert.pem);
    expect(ssl({ 'ssl.truststore.location': pki.ca.path, 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': store })).toEqual({
      ca: [pki.ca.pem.trim()],
      key: pki.clientKey.pem.trim(),
      cert: pki.clientCert.pem.trim(),
    });
    execFileSync('openssl', ['pkcs8', '-topk8', '-in', pki.clientKey.path, '-out', path.join(pki.dir, 'enc.key'), '-passout', 'pass:k3y-pass'], { cwd: pki.dir });
    const encrypted = fs.readFileSync(path.join(pki.dir, 'enc.key'), 'utf8');
    const encStore = file('enc-store.pem', pki.clientCert.pem + encrypted);
    expect(ssl({ 'ssl.keystore.location': encStore, 'ssl.key.password': 'k3y-pass' })).toEqual({
      key: encrypted.trim(),
      cert: pki.clientCert.pem.trim(),
      passphrase: 'k3y-pass',
    });
    expect(usageErrorOf(() => ssl({ 'ssl.keystore.location': encStore }))).toBe(`-X ssl.keystore.location: the private key in '${encStore}' is encrypted: set ssl.key.password`);
    const wrong = usageErrorOf(() => ssl({ 'ssl.keystore.location': encStore, 'ssl.key.password': 'not-it' }));
    expect(wrong).toBe(`-X ssl.keystore.location: ssl.key.password does not decrypt the private key in '${encStore}'`);
  });

  it('inline PEM: ssl.truststore.certificates, ssl.keystore.certificate.chain and ssl.keystore.key', () => {
    expect(ssl({ 'ssl.truststore.certificates': pki.ca.pem, 'ssl.keystore.certificate.chain': pki.clientCert.pem, 'ssl.keystore.key': pki.clientKey.pem })).toEqual({
      ca: [pki.ca.pem.trim()],
      cert: pki.clientCert.pem.trim(),
      key: pki.clientKey.pem.trim(),
    });
  });

  it('SASL: sasl.jaas.config becomes rxkafka\'s sasl option, for PLAIN and SCRAM', () => {
    const plain = producerProperties(props({
      'security.protocol': 'SASL_PLAINTEXT',
      'sasl.mechanism': 'PLAIN',
      'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="app" password="pw";',
    })).config;
    expect(plain).toEqual({ sasl: { mechanism: 'PLAIN', username: 'app', password: 'pw' } });
    const scram = producerProperties(props({
      'security.protocol': 'SASL_SSL',
      'ssl.truststore.location': pki.ca.path,
      'sasl.mechanism': 'scram-sha-512',
      'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="pw";',
    })).config;
    expect(scram).toEqual({ ssl: { ca: [pki.ca.pem.trim()] }, sasl: { mechanism: 'SCRAM-SHA-512', username: 'app', password: 'pw' } });
  });

  describe('refused, naming the property and the file', () => {
    const SCRAM_JAAS = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="pw";';
    it.each<[string, () => Record<string, string>, string]>([
      ['a JKS trust store type', () => ({ 'security.protocol': 'SSL', 'ssl.truststore.type': 'JKS', 'ssl.truststore.location': '/x/truststore.jks' }),
        "-X ssl.truststore.type: 'JKS' key stores are not supported; rxkafka reads PEM only: export the CA certificates as PEM (keytool -exportcert -rfc …) and set ssl.truststore.type=PEM with ssl.truststore.location=ca.pem"],
      ['a PKCS12 key store type', () => ({ 'security.protocol': 'SSL', 'ssl.keystore.type': 'PKCS12' }),
        "-X ssl.keystore.type: 'PKCS12' key stores are not supported; rxkafka reads PEM only: convert it to one PEM file of the key and its certificates (keytool -importkeystore … -deststoretype PKCS12, then openssl pkcs12 -in client.p12 -out client.pem) and set ssl.keystore.type=PEM with ssl.keystore.location=client.pem"],
      ['a JKS file as trust store', () => ({ 'security.protocol': 'SSL', 'ssl.truststore.location': file('ts.jks', Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2])) }),
        `-X ssl.truststore.location: '<DIR>/ts.jks' is a Java key store (JKS); rxkafka reads PEM only: export its CA certificates as PEM (keytool -exportcert -rfc -keystore truststore.jks -alias <alias> -file ca.pem)`],
      ['a text file that is not PEM', () => ({ 'security.protocol': 'SSL', 'ssl.truststore.location': file('notes.txt', 'hello\n') }),
        `-X ssl.truststore.location: '<DIR>/notes.txt' holds no PEM certificate ('-----BEGIN …-----')`],
      ['a trust store of keys only', () => ({ 'security.protocol': 'SSL', 'ssl.truststore.location': pki.clientKey.path }),
        `-X ssl.truststore.location: '<DIR>/client.key' holds no '-----BEGIN CERTIFICATE-----'`],
      ['a broken certificate', () => ({ 'security.protocol': 'SSL', 'ssl.truststore.certificates': '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }),
        '-X ssl.truststore.certificates: certificate 1 of the value does not parse'],
      ['a missing trust store', () => ({ 'security.protocol': 'SSL', 'ssl.truststore.location': '/no/such/ca.pem' }),
        "-X ssl.truststore.location: cannot read '/no/such/ca.pem': ENOENT: no such file or directory"],
      ['a key store without a key', () => ({ 'security.protocol': 'SSL', 'ssl.keystore.location': pki.clientCert.path }),
        `-X ssl.keystore.location: '<DIR>/client.pem' holds no private key ('-----BEGIN PRIVATE KEY-----'): a PEM key store holds the key and its certificate chain`],
      ['a key store without a certificate', () => ({ 'security.protocol': 'SSL', 'ssl.keystore.location': pki.clientKey.path }),
        `-X ssl.keystore.location: '<DIR>/client.key' holds no '-----BEGIN CERTIFICATE-----'`],
      ['a key that is not the certificate\'s', () => ({ 'security.protocol': 'SSL', 'ssl.keystore.location': file('mixed.pem', pki.serverKey.pem + pki.clientCert.pem) }),
        `-X ssl.keystore.location: the private key in '<DIR>/mixed.pem' does not belong to its first certificate (the client's, which must come first in the chain)`],
      ['a trust store password', () => ({ 'security.protocol': 'SSL', 'ssl.truststore.location': pki.ca.path, 'ssl.truststore.password': 'changeit' }),
        '-X ssl.truststore.password: is not used with a PEM trust store (certificates are not secret, nor encrypted): remove it'],
      ['a key store password', () => ({ 'security.protocol': 'SSL', 'ssl.keystore.password': 'changeit' }),
        '-X ssl.keystore.password: is not used with a PEM key store: remove it (an encrypted private key takes ssl.key.password)'],
      ['a chain without its key', () => ({ 'security.protocol': 'SSL', 'ssl.keystore.certificate.chain': pki.clientCert.pem }),
        '-X ssl.keystore.certificate.chain: needs ssl.keystore.key too: a client certificate goes with its private key'],
      ['no host name check', () => ({ 'security.protocol': 'SSL', 'ssl.endpoint.identification.algorithm': '' }),
        "-X ssl.endpoint.identification.algorithm: is empty (no host name check), which rxkafka does not do: the broker's certificate must name the host connected to; remove it"],
      ['ssl settings without TLS', () => ({ 'ssl.truststore.location': pki.ca.path }),
        "-X ssl.truststore.location: is set, but security.protocol is PLAINTEXT (Java's default): set security.protocol=SSL or SASL_SSL, or remove it"],
      ['sasl settings without SASL', () => ({ 'security.protocol': 'SSL', 'sasl.mechanism': 'PLAIN' }),
        '-X sasl.mechanism: is set, but security.protocol is SSL: set security.protocol=SASL_PLAINTEXT or SASL_SSL, or remove it'],
      ['an unknown protocol', () => ({ 'security.protocol': 'TLS' }), "-X security.protocol: must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got 'TLS'"],
      ['a misspelt ssl name', () => ({ 'security.protocol': 'SSL', 'ssl.truststore.locaton': '/x' }), "-X ssl.truststore.locaton: is not a producer option; did you mean 'ssl.truststore.location'?"],
      ['librdkafka\'s name', () => ({ 'security.protocol': 'SSL', 'ssl.ca.location': '/x' }), "-X ssl.ca.location: is librdkafka's (kcat's) name; the Java producer's is ssl.truststore.location (with ssl.truststore.type=PEM)"],
      ['a TLS setting rxkafka does not have', () => ({ 'security.protocol': 'SSL', 'ssl.cipher.suites': 'TLS_AES_128_GCM_SHA256' }),
        "-X ssl.cipher.suites: is a Java TLS setting that rxkafka does not implement: remove it (rxkafka uses Node's TLS defaults: TLS 1.2 or 1.3, OpenSSL's ciphers, the host name checked)"],
      ['no mechanism (Java: GSSAPI)', () => ({ 'security.protocol': 'SASL_SSL', 'sasl.jaas.config': SCRAM_JAAS }),
        "sasl.mechanism is not set, and Java's default, GSSAPI (Kerberos), is not supported: set sasl.mechanism=SCRAM-SHA-512 (or SCRAM-SHA-256, PLAIN) with sasl.jaas.config"],
      ['GSSAPI', () => ({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'GSSAPI' }), '-X sasl.mechanism: GSSAPI (Kerberos) is not supported: use SCRAM-SHA-512, or OAUTHBEARER'],
      ['OAUTHBEARER', () => ({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'OAUTHBEARER' }),
        "-X sasl.mechanism: OAUTHBEARER needs a token provider function, which properties cannot give: use the library's sasl.oauthBearerProvider, or SCRAM-SHA-512 here"],
      ['no jaas config', () => ({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'SCRAM-SHA-256' }),
        'sasl.jaas.config is required for SCRAM-SHA-256: sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="…" password="…";'],
      ['the wrong login module', () => ({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': SCRAM_JAAS }),
        '-X sasl.jaas.config: names the login module org.apache.kafka.common.security.scram.ScramLoginModule, but sasl.mechanism PLAIN takes org.apache.kafka.common.security.plain.PlainLoginModule'],
      ['no password', () => ({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="app";' }),
        '-X sasl.jaas.config: needs a non-empty password: org.apache.kafka.common.security.scram.ScramLoginModule required username="…" password="…";'],
      ['another option', () => ({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="pw" tokenauth=true;' }),
        '-X sasl.jaas.config: option tokenauth is not supported: org.apache.kafka.common.security.scram.ScramLoginModule takes username and password'],
      ['a malformed jaas config', () => ({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="app" password="secret-pw"' }),
        "-X sasl.jaas.config: it must end with ';'; the shape is org.apache.kafka.common.security.scram.ScramLoginModule required username=\"app\" password=\"…\";"],
    ])('%s', (_name, entries, expected) => {
      // <DIR>: the test PKI's directory, made when the tests run.
      const message = expected.split('<DIR>').join(pki.dir);
      const thrown = usageErrorOf(() => producerProperties(props(entries())));
      if (message.endsWith('does not parse')) expect(thrown.startsWith(message)).toBe(true);
      else expect(thrown).toBe(message);
      expect(thrown).not.toContain('secret-pw');
    });

    it('a PKCS12 file given as a PEM key store', () => {
      const p12 = path.join(pki.dir, 'client.p12');
      execFileSync('openssl', ['pkcs12', '-export', '-in', pki.clientCert.path, '-inkey', pki.clientKey.path, '-out', p12, '-passout', 'pass:changeit'], { cwd: pki.dir });
      expect(usageErrorOf(() => ssl({ 'ssl.keystore.location': p12 }))).toBe(
        `-X ssl.keystore.location: '${p12}' is binary (DER, or a PKCS12 key store); rxkafka reads PEM only: convert it to one PEM file holding the key and its certificates ` +
          '(keytool -importkeystore -srckeystore client.jks -destkeystore client.p12 -deststoretype PKCS12, then openssl pkcs12 -in client.p12 -out client.pem)',
      );
    });
  });
});
