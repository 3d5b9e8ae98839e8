import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * TLS material as Kafka's PEM stores give it (`ssl.truststore.type=PEM`, `ssl.keystore.type=PEM`):
 * a trust store of CA certificates, a key store of one private key and its certificate chain,
 * either in a file or inline. Everything is checked here — each certificate parses, the key
 * decrypts with `ssl.key.password` and belongs to the first certificate — so that a wrong file is
 * a message naming the property and the file, not an OpenSSL error at the first connection.
 * Java key stores (JKS, PKCS12) are recognised, to say how to convert them. A key's text and its
 * password never appear in a message.
 */

/** What is wrong with some TLS material; the caller prefixes the property it came from. */
export class PemError extends Error {}

/** One `-----BEGIN <label>----- … -----END <label>-----` block. */
interface PemBlock {
  label: string;
  text: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const KEY_LABELS = ['PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY'];

function blocks(text: string): PemBlock[] {
  return Array.from(text.matchAll(BLOCK), (m) => ({ label: m[1], text: m[0] }));
}

/** The file's bytes; an OS error names the path. */
export function readTlsFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new PemError(`cannot read '${path}': ${osError(err)}`);
  }
}

/** "ENOENT: no such file or directory": Node's message without the system call and path it appends. */
export function osError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.syscall === undefined ? e.message : e.message.replace(/, \w+( '[^']*')?$/, '');
}

/** How to turn a Java key store into what rxkafka reads. */
const CONVERT_TRUST = 'export its CA certificates as PEM (keytool -exportcert -rfc -keystore truststore.jks -alias <alias> -file ca.pem)';
const CONVERT_KEY =
  'convert it to one PEM file holding the key and its certificates (keytool -importkeystore -srckeystore client.jks ' +
  '-destkeystore client.p12 -deststoretype PKCS12, then openssl pkcs12 -in client.p12 -out client.pem)';

/** When `bytes` are not PEM: what they are, and what to do. */
function notPem(bytes: Buffer, where: string, store: 'trust' | 'key'): PemError {
  const convert = store === 'trust' ? CONVERT_TRUST : CONVERT_KEY;
  const magic = bytes.length >= 4 ? bytes.readUInt32BE(0) : 0;
  if (magic === 0xfeedfeed || magic === 0xcececece) {
    return new PemError(`${where} is a Java key store (${magic === 0xfeedfeed ? 'JKS' : 'JCEKS'}); rxkafka reads PEM only: ${convert}`);
  }
  if (bytes.length > 0 && bytes[0] === 0x30) {
    return new PemError(`${where} is binary (DER, or a PKCS12 key store); rxkafka reads PEM only: ${convert}`);
  }
  return new PemError(`${where} holds no PEM ${store === 'trust' ? 'certificate' : 'private key'} ('-----BEGIN …-----')`);
}

/** A file's text when it holds PEM blocks; else what it is (a JKS, binary, empty …). */
export function pemText(bytes: Buffer, where: string, store: 'trust' | 'key'): string {
  const text = bytes.toString('latin1');
  if (!text.includes('-----BEGIN ')) throw notPem(bytes, where, store);
  return text;
}

/** The certificates of `text` (PEM), each checked to parse; at least one. */
export function certificates(text: string, where: string): string[] {
  const certs = blocks(text).filter((b) => b.label === 'CERTIFICATE');
  if (certs.length === 0) throw new PemError(`${where} holds no '-----BEGIN CERTIFICATE-----'`);
  return certs.map((b, i) => {
    try {
      new X509Certificate(b.text);
    } catch (err) {
      throw new PemError(`certificate ${i + 1} of ${where} does not parse: ${(err as Error).message}`);
    }
    return b.text;
  });
}

/** The one private key of `text`, checked to decrypt with `passphrase`; `passwordName` is the property that sets it. */
export function privateKey(text: string, where: string, passphrase: string | undefined, passwordName: string): { pem: string; key: KeyObject } {
  const keys = blocks(text).filter((b) => KEY_LABELS.includes(b.label));
  if (keys.length === 0) throw new PemError(`${where} holds no private key ('-----BEGIN PRIVATE KEY-----'): a PEM key store holds the key and its certificate chain`);
  if (keys.length > 1) throw new PemError(`${where} holds ${keys.length} private keys: a key store holds one`);
  const pem = keys[0].text;
  const encrypted = keys[0].label === 'ENCRYPTED PRIVATE KEY' || pem.includes('Proc-Type: 4,ENCRYPTED');
  if (encrypted && passphrase === undefined) throw new PemError(`the private key in ${where} is encrypted: set ${passwordName}`);
  try {
    return { pem, key: createPrivateKey({ key: pem, format: 'pem', passphrase }) };
  } catch (err) {
    if (encrypted) throw new PemError(`${passwordName} does not decrypt the private key in ${where}`);
    throw new PemError(`the private key in ${where} does not parse: ${(err as Error).message}`);
  }
}

/** Does the first certificate of the chain (this client's) carry the public half of `key`? */
export function checkKeyMatches(chain: string[], key: KeyObject, where: string): void {
  if (!new X509Certificate(chain[0]).checkPrivateKey(key)) {
    throw new PemError(`the private key in ${where} does not belong to its first certificate (the client's, which must come first in the chain)`);
  }
}
