/**
 * TLS fronts for the mock brokers (which speak plaintext only): one stunnel process (Debian's
 * stunnel4) with one service per upstream, each accepting TLS with the test CA's broker
 * certificate and passing the bytes on. `startTlsFronts` puts one before each broker of a mock
 * cluster and makes Metadata advertise them (MockCluster.advertise, 2.12 only).
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { MockCluster } from './MockCluster';
import type { TestPki } from './testCa';
import { sleep, unusedPort } from './wait';

const START_TIMEOUT_MS = 10_000;

export interface StunnelOptions {
  /** Refuse clients without a certificate the test CA signed (Kafka's ssl.client.auth=required). */
  requireClientCert?: boolean;
}

/** Children not yet stopped; killed if the process exits without stopping them. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export class StunnelFront {
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    /** The TLS ports, one per upstream, in the order given. */
    readonly ports: number[],
  ) {
    child.stderr?.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString('utf8')).slice(-4000);
    });
  }

  /** Starts stunnel with a TLS port before each `host:port` of `upstreams`; resolves once all accept connections. */
  static async start(upstreams: string[], pki: TestPki, opts: StunnelOptions = {}): Promise<StunnelFront> {
    const ports: number[] = [];
    for (let i = 0; i < upstreams.length; i++) ports.push(await unusedPort());
    const lines = ['foreground = yes', 'pid =', 'debug = notice', `cert = ${pki.serverCert.path}`, `key = ${pki.serverKey.path}`];
    if (opts.requireClientCert) lines.push(`CAfile = ${pki.ca.path}`, 'verifyChain = yes', 'requireCert = yes');
    upstreams.forEach((upstream, i) => lines.push(`[broker-${i + 1}]`, `accept = 127.0.0.1:${ports[i]}`, `connect = ${upstream}`));
    const conf = path.join(pki.dir, `stunnel-${ports[0]}.conf`);
    fs.writeFileSync(conf, `${lines.join('\n')}\n`);
    const child = spawn('stunnel4', [conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    live.add(child);
    child.on('exit', () => live.delete(child));
    const front = new StunnelFront(child, ports);
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (const port of ports) {
      while (!(await accepts(port))) {
        if (child.exitCode !== null || Date.now() > deadline) {
          await front.stop();
          throw new Error(`stunnel4 did not start (run bash test/broker/setup.sh to install it): ${front.stderr.trim()}`);
        }
        await sleep(25);
      }
    }
    return front;
  }

  /** `127.0.0.1:port,…` of the TLS ports. */
  get bootstrap(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(',');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * TLS fronts before every broker of `mock` (or before `upstreams`, e.g. SASL fronts, broker id
 * order), advertised in its Metadata.
 */
export async function startTlsFronts(mock: MockCluster, pki: TestPki, opts: StunnelOptions & { upstreams?: string[] } = {}): Promise<StunnelFront> {
  const front = await StunnelFront.start(opts.upstreams ?? mock.brokers, pki, opts);
  for (let id = 1; id <= front.ports.length; id++) await mock.advertise(id, '127.0.0.1', front.ports[id - 1]);
  return front;
}
