import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_SOFTWARE_NAME, CLIENT_SOFTWARE_VERSION } from '../../src/network/clientSoftware';

test('the version told to brokers is the package version', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { name: string; version: string };
  expect(CLIENT_SOFTWARE_NAME).toBe(pkg.name);
  expect(CLIENT_SOFTWARE_VERSION).toBe(pkg.version);
});
