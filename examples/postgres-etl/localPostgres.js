'use strict';
/**
 * A throwaway PostgreSQL server on loopback, for the example's demo and its test: Debian's
 * binaries (`apt-get install postgresql`, under /usr/lib/postgresql/<version>/bin), a fresh data
 * folder under the temporary directory, a free port, trust authentication for the user `etl`.
 *
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user the Debian
 * package creates (through runuser); otherwise as the current user.
 *
 *   const pg = await startPostgres();
 *   // … new Client({ connectionString: pg.url }) …
 *   await pg.stop();
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const START_TIMEOUT_MS = 60_000;

/** The newest Debian PostgreSQL's bin folder, or PG_BIN. */
function binFolder() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'postgres'))) : [];
  if (versions.length === 0) {
    throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (or set PG_BIN to the folder holding initdb and postgres)');
  }
  versions.sort((a, b) => Number(b) - Number(a));
  return path.join(root, versions[0], 'bin');
}

/** `cmd args` as the user PostgreSQL runs as: argv for spawn. */
function asServerUser(cmd, args) {
  if (process.getuid?.() !== 0) return [cmd, args];
  return ['runuser', ['-u', 'postgres', '--', cmd, ...args]];
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The postmaster's pid, from the first line of postmaster.pid (null before it is written). */
function postmasterPid(dataDir) {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Starts a server and resolves once it accepts connections.
 * @returns {Promise<{ host: string, port: number, user: string, database: string, url: string, dir: string, stop(): Promise<void> }>}
 */
async function startPostgres() {
  const bin = binFolder();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxkafka-pg-'));
  const dataDir = path.join(dir, 'data');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    fs.chownSync(dir, uid, gid);
  }
  const [initCmd, initArgs] = asServerUser(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'etl', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  execFileSync(initCmd, initArgs, { stdio: ['ignore', 'ignore', 'pipe'] });

  const port = await freePort();
  const log = fs.openSync(path.join(dir, 'postgres.log'), 'a');
  // The socket in our own folder (not /var/run/postgresql, which may not exist or be another's).
  const [cmd, args] = asServerUser(path.join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1']);
  const child = spawn(cmd, args, { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exited = false;
  const exit = new Promise((resolve) => child.once('exit', () => resolve((exited = true))));
  // A server must not outlive its starter: kill it on exit if stop() was not called.
  const onExit = () => {
    const pid = postmasterPid(dataDir);
    if (pid !== null) {
      try {
        process.kill(pid, 'SIGQUIT'); // immediate shutdown
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', onExit);

  const info = { host: '127.0.0.1', port, user: 'etl', database: 'postgres', dir, url: `postgresql://etl@127.0.0.1:${port}/postgres` };
  let stopped = false;
  info.stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    const pid = postmasterPid(dataDir);
    if (pid !== null && !exited) {
      try {
        process.kill(pid, 'SIGINT'); // fast shutdown: ends sessions, no waiting for clients
      } catch {
        // already gone
      }
      await exit;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      const text = fs.readFileSync(path.join(dir, 'postgres.log'), 'utf8');
      await info.stop();
      throw new Error(`PostgreSQL exited while starting: ${text.slice(-2000)}`);
    }
    try {
      execFileSync(path.join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
      return info;
    } catch {
      if (Date.now() > deadline) {
        await info.stop();
        throw new Error(`PostgreSQL did not accept connections within ${START_TIMEOUT_MS} ms`);
      }
      await sleep(100);
    }
  }
}

module.exports = { startPostgres };
