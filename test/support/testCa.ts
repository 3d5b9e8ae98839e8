/**
 * A throwaway PKI for the TLS tests, made with the openssl CLI in a temporary directory: a test
 * CA, a broker certificate it signs (for localhost and 127.0.0.1), a client certificate it signs
 * (for brokers that require one), and an unrelated CA (the "wrong CA"). EC P-256 keys: quick to
 * make. Each file is there as PEM text and as a path (stunnel and kcat take paths).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PemFile {
  path: string;
  pem: string;
}

export interface TestPki {
  dir: string;
  ca: PemFile;
  serverCert: PemFile;
  serverKey: PemFile;
  clientCert: PemFile;
  clientKey: PemFile;
  /** A CA that signed none of the above. */
  otherCa: PemFile;
  /** Deletes the directory. */
  remove(): void;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(dir: string, args: string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd: dir });
  } catch (err) {
    throw new Error(`openssl ${args[0]} failed (is openssl installed? run bash test/broker/setup.sh): ${(err as { stderr?: string }).stderr ?? err}`);
  }
}

async function selfSignedCa(dir: string, name: string, cn: string): Promise<void> {
  await openssl(dir, ['req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${cn}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
}

async function signed(dir: string, name: string, cn: string, extensions: string): Promise<void> {
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  await openssl(dir, ['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
  await openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
}

export async function makeTestPki(): Promise<TestPki> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxkafka-pki-'));
  await selfSignedCa(dir, 'ca', 'rxkafka test CA');
  await selfSignedCa(dir, 'other-ca', 'some other CA');
  await signed(dir, 'server', 'localhost', 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n');
  await signed(dir, 'client', 'rxkafka-client', 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
  const file = (name: string): PemFile => ({ path: path.join(dir, name), pem: fs.readFileSync(path.join(dir, name), 'utf8') });
  return {
    dir,
    ca: file('ca.pem'),
    serverCert: file('server.pem'),
    serverKey: file('server.key'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
    otherCa: file('other-ca.pem'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
