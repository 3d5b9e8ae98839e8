import { parseSasl } from '../config/securityOptions';
import type { SaslPasswordConfig, SslConfig } from '../config/securityOptions';
import { closestName } from '../config/unknownOptions';
import { ConfigError } from '../errors';
import { JaasConfigError, parseJaasConfig } from './jaasConfig';
import { certificates, checkKeyMatches, PemError, pemText, privateKey, readTlsFile } from './pemFiles';
import { CliUsageError } from './options';
import { propertyError, type PropertySource } from './propertySource';

/**
 * The Java producer's security properties — `security.protocol`, the `ssl.*` of a PEM trust
 * store and key store, `sasl.mechanism` and `sasl.jaas.config` — turned into rxkafka's `ssl` and
 * `sasl` options. What Java would read from a JKS or PKCS12 store, a Kerberos login or an OAuth
 * token endpoint has no equivalent here: those are errors saying what to use instead.
 */

/**
 * Values are trimmed as Kafka's ConfigDef trims them, except the secrets (passwords, inline
 * keys, sasl.jaas.config: Java's PASSWORD type), which are taken as they are.
 */

/** The `ssl` and `sasl` options the properties ask for (absent: not used). */
export interface SecurityOptions {
  ssl?: true | SslConfig;
  sasl?: SaslPasswordConfig;
}

const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

/** The names read here; any other `security.`, `ssl.` or `sasl.` name is an error. */
const SSL_NAMES = [
  'ssl.truststore.type',
  'ssl.truststore.location',
  'ssl.truststore.certificates',
  'ssl.truststore.password',
  'ssl.keystore.type',
  'ssl.keystore.location',
  'ssl.keystore.certificate.chain',
  'ssl.keystore.key',
  'ssl.keystore.password',
  'ssl.key.password',
  'ssl.endpoint.identification.algorithm',
];
const SASL_NAMES = ['sasl.mechanism', 'sasl.jaas.config'];
const KNOWN = ['security.protocol', ...SSL_NAMES, ...SASL_NAMES];

/** librdkafka's (kcat's) names, which users of -X bring along: the Java name to use. */
const LIBRDKAFKA_NAMES: Readonly<Record<string, string>> = {
  'ssl.ca.location': 'ssl.truststore.location (with ssl.truststore.type=PEM)',
  'ssl.certificate.location': 'ssl.keystore.location: one PEM file with the key and the certificate (with ssl.keystore.type=PEM)',
  'ssl.key.location': 'ssl.keystore.location: one PEM file with the key and the certificate (with ssl.keystore.type=PEM)',
  'sasl.username': 'sasl.jaas.config, e.g. org.apache.kafka.common.security.plain.PlainLoginModule required username="app" password="…";',
  'sasl.password': 'sasl.jaas.config, e.g. org.apache.kafka.common.security.plain.PlainLoginModule required username="app" password="…";',
};

const LOGIN_MODULES: Readonly<Record<string, string>> = {
  PLAIN: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  'SCRAM-SHA-256': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  'SCRAM-SHA-512': 'org.apache.kafka.common.security.scram.ScramLoginModule',
};

/** Is `name` one this file answers for (so the general option table is not asked)? */
export function isSecurityProperty(name: string): boolean {
  return name.startsWith('security.') || name.startsWith('ssl.') || name.startsWith('sasl.');
}

/** Why an unknown security name is refused, with the name meant when it looks misspelt. */
function unknownSecurityName(p: PropertySource): CliUsageError {
  const librdkafka = LIBRDKAFKA_NAMES[p.name];
  if (librdkafka !== undefined) return propertyError(p, `is librdkafka's (kcat's) name; the Java producer's is ${librdkafka}`);
  const meant = closestName(p.name, KNOWN);
  if (meant !== undefined) return propertyError(p, `is not a producer option; did you mean '${meant}'?`);
  if (p.name.startsWith('ssl.')) {
    return propertyError(p, "is a Java TLS setting that rxkafka does not implement: remove it (rxkafka uses Node's TLS defaults: TLS 1.2 or 1.3, OpenSSL's ciphers, the host name checked)");
  }
  return propertyError(p, `is a Java security setting that rxkafka does not implement: remove it (rxkafka reads security.protocol, ${SSL_NAMES.join(', ')}, ${SASL_NAMES.join(', ')})`);
}

/** `ssl` and `sasl` from the security properties in `props` (each name once: the last given). */
export function securityOptions(props: ReadonlyMap<string, PropertySource>): SecurityOptions {
  for (const p of props.values()) if (!KNOWN.includes(p.name)) throw unknownSecurityName(p);
  const protocolProp = props.get('security.protocol');
  const protocol = protocolProp === undefined ? 'PLAINTEXT' : protocolProp.value.trim().toUpperCase();
  if (protocolProp !== undefined && !PROTOCOLS.includes(protocol)) {
    throw propertyError(protocolProp, `must be ${PROTOCOLS.join(', ').replace(/, (?=[^,]*$)/, ' or ')}, got '${protocolProp.value}'`);
  }
  const tls = protocol === 'SSL' || protocol === 'SASL_SSL';
  const sasl = protocol.startsWith('SASL_');
  for (const p of props.values()) {
    if ((p.name.startsWith('ssl.') && !tls) || (p.name.startsWith('sasl.') && !sasl)) {
      const wanted = p.name.startsWith('ssl.') ? 'SSL or SASL_SSL' : 'SASL_PLAINTEXT or SASL_SSL';
      throw propertyError(p, `is set, but security.protocol is ${protocol}${protocolProp === undefined ? " (Java's default)" : ''}: set security.protocol=${wanted}, or remove it`);
    }
  }
  const out: SecurityOptions = {};
  if (tls) out.ssl = sslOptions(props);
  if (sasl) out.sasl = saslOptions(props);
  return out;
}

/** Runs `read`, turning a PemError into a usage error about `p`. */
function about<T>(p: PropertySource, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof PemError) throw propertyError(p, err.message);
    throw err;
  }
}

/** A store type must be PEM: Java's JKS and PKCS12 stores are not read here. */
function checkStoreType(props: ReadonlyMap<string, PropertySource>, name: string, store: 'trust' | 'key'): void {
  const p = props.get(name);
  if (p === undefined || p.value.trim().toUpperCase() === 'PEM') return;
  const convert =
    store === 'trust'
      ? 'export the CA certificates as PEM (keytool -exportcert -rfc …) and set ssl.truststore.type=PEM with ssl.truststore.location=ca.pem'
      : 'convert it to one PEM file of the key and its certificates (keytool -importkeystore … -deststoretype PKCS12, then openssl pkcs12 -in client.p12 -out client.pem) and set ssl.keystore.type=PEM with ssl.keystore.location=client.pem';
  throw propertyError(p, `'${p.value}' key stores are not supported; rxkafka reads PEM only: ${convert}`);
}

function sslOptions(props: ReadonlyMap<string, PropertySource>): true | SslConfig {
  const ssl: SslConfig = {};
  checkStoreType(props, 'ssl.truststore.type', 'trust');
  checkStoreType(props, 'ssl.keystore.type', 'key');
  const get = (name: string): PropertySource | undefined => props.get(name);

  const trustFile = get('ssl.truststore.location');
  const trustInline = get('ssl.truststore.certificates');
  if (trustFile !== undefined && trustInline !== undefined) {
    throw propertyError(trustInline, 'and ssl.truststore.location are two trust stores: give one of them');
  }
  if (trustFile !== undefined) {
    ssl.ca = about(trustFile, () => {
      const where = `'${trustFile.value.trim()}'`;
      return certificates(pemText(readTlsFile(trustFile.value.trim()), where, 'trust'), where);
    });
  } else if (trustInline !== undefined) {
    ssl.ca = about(trustInline, () => certificates(pemText(Buffer.from(trustInline.value), 'the value', 'trust'), 'the value'));
  }
  // After the store is read: a JKS store given with its password is first of all a JKS store.
  const trustPassword = get('ssl.truststore.password');
  if (trustPassword !== undefined) throw propertyError(trustPassword, 'is not used with a PEM trust store (certificates are not secret, nor encrypted): remove it');

  const keyPassword = get('ssl.key.password');
  const keyFile = get('ssl.keystore.location');
  const chainInline = get('ssl.keystore.certificate.chain');
  const keyInline = get('ssl.keystore.key');
  if (keyFile !== undefined && (chainInline !== undefined || keyInline !== undefined)) {
    throw propertyError((chainInline ?? keyInline)!, 'and ssl.keystore.location are two key stores: give ssl.keystore.location, or ssl.keystore.key with ssl.keystore.certificate.chain');
  }
  if ((chainInline === undefined) !== (keyInline === undefined)) {
    throw propertyError((chainInline ?? keyInline)!, `needs ${chainInline === undefined ? 'ssl.keystore.certificate.chain' : 'ssl.keystore.key'} too: a client certificate goes with its private key`);
  }
  if (keyPassword !== undefined && keyFile === undefined && keyInline === undefined) {
    throw propertyError(keyPassword, 'is set, but there is no private key to decrypt: set ssl.keystore.location (or ssl.keystore.key)');
  }
  if (keyFile !== undefined) {
    about(keyFile, () => {
      const where = `'${keyFile.value.trim()}'`;
      const text = pemText(readTlsFile(keyFile.value.trim()), where, 'key');
      const { pem, key } = privateKey(text, where, keyPassword?.value, 'ssl.key.password');
      const chain = certificates(text, where);
      checkKeyMatches(chain, key, where);
      // One string: node:tls reads an array as one chain per key, not as a chain.
      Object.assign(ssl, { key: pem, cert: chain.join('\n') });
    });
  } else if (chainInline !== undefined && keyInline !== undefined) {
    const chain = about(chainInline, () => certificates(pemText(Buffer.from(chainInline.value), 'the value', 'key'), 'the value'));
    const { pem, key } = about(keyInline, () => privateKey(keyInline.value, 'the value', keyPassword?.value, 'ssl.key.password'));
    about(chainInline, () => checkKeyMatches(chain, key, 'ssl.keystore.key'));
    Object.assign(ssl, { key: pem, cert: chain.join('\n') });
  }
  const storePassword = get('ssl.keystore.password');
  if (storePassword !== undefined) {
    throw propertyError(storePassword, 'is not used with a PEM key store: remove it (an encrypted private key takes ssl.key.password)');
  }
  if (keyPassword !== undefined) ssl.passphrase = keyPassword.value;

  const endpoint = get('ssl.endpoint.identification.algorithm');
  if (endpoint !== undefined && endpoint.value.trim().toLowerCase() !== 'https') {
    throw propertyError(
      endpoint,
      endpoint.value.trim() === ''
        ? "is empty (no host name check), which rxkafka does not do: the broker's certificate must name the host connected to; remove it"
        : `must be https (the host name is checked), got '${endpoint.value}'`,
    );
  }
  return Object.keys(ssl).length === 0 ? true : ssl;
}

function saslOptions(props: ReadonlyMap<string, PropertySource>): SaslPasswordConfig {
  const mechanismProp = props.get('sasl.mechanism');
  const jaasProp = props.get('sasl.jaas.config');
  if (mechanismProp === undefined) {
    throw new CliUsageError(
      "sasl.mechanism is not set, and Java's default, GSSAPI (Kerberos), is not supported: set sasl.mechanism=SCRAM-SHA-512 (or SCRAM-SHA-256, PLAIN) with sasl.jaas.config",
    );
  }
  const mechanism = mechanismProp.value.trim().toUpperCase();
  const loginModule = LOGIN_MODULES[mechanism];
  if (loginModule === undefined) {
    if (mechanism === 'OAUTHBEARER') {
      throw propertyError(mechanismProp, "OAUTHBEARER needs a token provider function, which properties cannot give: use the library's sasl.oauthBearerProvider, or SCRAM-SHA-512 here");
    }
    // The config module's verdict on the mechanism (GSSAPI, AWS_MSK_IAM, a misspelling).
    try {
      parseSasl({ mechanism }, 'sasl');
    } catch (err) {
      if (err instanceof ConfigError) throw propertyError(mechanismProp, err.message.replace(/^invalid producer option '[^']*': /, ''));
      throw err;
    }
  }
  const shape = `${loginModule} required username="…" password="…";`;
  if (jaasProp === undefined) throw new CliUsageError(`sasl.jaas.config is required for ${mechanism}: sasl.jaas.config=${shape}`);
  let parsed;
  try {
    parsed = parseJaasConfig(jaasProp.value);
  } catch (err) {
    if (err instanceof JaasConfigError) throw propertyError(jaasProp, err.message);
    throw err;
  }
  if (parsed.loginModule !== loginModule) {
    throw propertyError(jaasProp, `names the login module ${parsed.loginModule}, but sasl.mechanism ${mechanism} takes ${loginModule}`);
  }
  for (const name of parsed.options.keys()) {
    if (name !== 'username' && name !== 'password') throw propertyError(jaasProp, `option ${name} is not supported: ${loginModule} takes username and password`);
  }
  const username = parsed.options.get('username');
  const password = parsed.options.get('password');
  if (!username || !password) throw propertyError(jaasProp, `needs a non-empty ${username ? 'password' : 'username'}: ${shape}`);
  return { mechanism: mechanism as SaslPasswordConfig['mechanism'], username, password };
}
