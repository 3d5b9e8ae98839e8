/**
 * Malformed responses through a real Connection and the real decoders: whatever a broker sends
 * for Metadata, Produce or InitProducerId, the request rejects with a retriable
 * ProtocolDecodeError (or RequestTimeoutError when the frame never completes), the connection
 * closes — so the caller reconnects and retries — and the process carries on.
 */
import { VirtualTimeScheduler } from 'rxjs';
import { Connection } from '../../src/network/Connection';
import { ProtocolDecodeError, RequestTimeoutError } from '../../src/errors';
import type { Api } from '../../src/protocol/api';
import { InitProducerId } from '../../src/protocol/InitProducerId';
import { Metadata } from '../../src/protocol/Metadata';
import { Produce } from '../../src/protocol/Produce';
import { failure, FakeBroker, responseFrame, silentLogger } from '../support/fakeBroker';
import { responseSeeds } from '../protocol/responseSeeds';
import { seededRandom } from '../support/random';
import { timeOn, type Time } from '../../src/time/Time';
import { advanceTo } from '../support/virtualTime';
import { waitUntil } from '../support/wait';

/** Non-flexible versions, so that the fake broker's v1 request-header parsing applies. */
const VERSION = { Metadata: 8, Produce: 8, InitProducerId: 1 } as const;

const REQUESTS: Array<[Api<any, any>, unknown]> = [
  [Metadata, { topics: ['t'], allowAutoTopicCreation: false }],
  [Produce, { transactionalId: null, acks: -1, timeoutMs: 1000, topics: [] }],
  [InitProducerId, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 }],
];

const SEEDS = responseSeeds();

function validBody(api: Api<any, any>): Buffer {
  const version = VERSION[api.name as keyof typeof VERSION];
  const seed = SEEDS.find((s) => s.api === api && s.version === version);
  if (seed === undefined) throw new Error(`no seed for ${api.name} v${version}`);
  return seed.body;
}

/** A body of `api` that cannot decode: cut short, or with its first count made huge. */
function corruptBody(api: Api<any, any>, random: () => number): Buffer {
  const body = validBody(api);
  if (random() < 0.5 || api === InitProducerId) return body.subarray(0, Math.floor(random() * body.length));
  const out = Buffer.from(body);
  // Metadata v8 starts with throttle_time_ms, then the broker count; Produce v8 with the topic count.
  out.writeInt32BE(0x7fffffff, api === Metadata ? 4 : 0);
  return out;
}

let broker: FakeBroker;
const open: Connection[] = [];

function connection(requestTimeoutMs = 5000, time?: Time): Connection {
  const conn = new Connection({
    host: '127.0.0.1',
    port: broker.port,
    nodeId: 1,
    clientId: 'fuzz',
    requestTimeoutMs,
    connectionSetupTimeoutMs: 5000,
    logger: silentLogger,
    time,
  });
  open.push(conn);
  return conn;
}

beforeEach(async () => {
  broker = await FakeBroker.start({
    apis: [
      { apiKey: Metadata.apiKey, minVersion: 1, maxVersion: VERSION.Metadata },
      { apiKey: Produce.apiKey, minVersion: 3, maxVersion: VERSION.Produce },
      { apiKey: InitProducerId.apiKey, minVersion: 0, maxVersion: VERSION.InitProducerId },
    ],
  });
});

afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await broker.stop();
});

describe('Connection with malformed responses', () => {
  it('each malformed body rejects its request with ProtocolDecodeError and closes the connection', async () => {
    const random = seededRandom(5);
    for (let round = 0; round < 30; round++) {
      const [api, request] = REQUESTS[round % REQUESTS.length];
      broker.onRequest = (req) => {
        const frame = responseFrame(req.correlationId, corruptBody(api, random));
        // In two pieces, so that the frame decoder assembles it across chunks.
        const cut = Math.floor(random() * frame.length);
        req.conn.write(frame.subarray(0, cut));
        setImmediate(() => req.conn.write(frame.subarray(cut)));
      };
      const conn = connection();
      await conn.connect();
      expect(conn.versionFor(api)).toBe(VERSION[api.name as keyof typeof VERSION]);
      const closed = new Promise<Error | undefined>((resolve) => conn.onClose(resolve));
      const err = await failure(conn.send(api, request));
      expect(err).toBeInstanceOf(ProtocolDecodeError);
      expect((err as ProtocolDecodeError).retriable).toBe(true);
      expect(err.message).toContain(`${api.name} v${conn.versionFor(api)} response from 127.0.0.1:${broker.port}`);
      expect(await closed).toBe(err);
      expect(conn.isClosed).toBe(true);
    }
    // The broker answering properly again, a new connection gets its answer.
    broker.onRequest = (req) => req.conn.reply(req.correlationId, validBody(Metadata));
    const conn = connection();
    await conn.connect();
    const metadata = await conn.send(Metadata, { topics: ['t'], allowAutoTopicCreation: false });
    expect(metadata.brokers.map((b: { host: string }) => b.host)).toEqual(['broker-1', 'broker-2']);
  });

  it('requests behind the malformed response are rejected too, not left hanging', async () => {
    let first = true;
    broker.onRequest = (req) => {
      if (first) req.conn.reply(req.correlationId, corruptBody(Produce, () => 0.9));
      first = false;
    };
    const conn = connection();
    await conn.connect();
    const sent = [0, 1, 2].map(() => failure(conn.send(Produce, REQUESTS[1][1])));
    const [a, b, c] = await Promise.all(sent);
    expect(a).toBeInstanceOf(ProtocolDecodeError);
    // The others were in flight on the same byte stream: they fail with the same retriable cause.
    for (const e of [b, c]) expect((e as unknown as { retriable: boolean }).retriable).toBe(true);
    expect(conn.isClosed).toBe(true);
  });

  it('a size prefix larger than what is ever sent ends in RequestTimeoutError, not a hang', async () => {
    broker.onRequest = (req) => {
      const frame = responseFrame(req.correlationId, validBody(Produce));
      frame.writeInt32BE(1 << 20, 0); // claims 1 MiB, sends a hundred bytes
      req.conn.write(frame);
    };
    const scheduler = new VirtualTimeScheduler();
    const conn = connection(200, timeOn(scheduler));
    await conn.connect();
    const pending = failure(conn.send(Produce, REQUESTS[1][1]));
    // The partial frame is in: the request waits for the rest until its deadline.
    await waitUntil(() => (conn as unknown as { decoder: { pendingBytes: number } }).decoder.pendingBytes > 0, 3000);
    await advanceTo(scheduler, 199);
    expect(conn.isClosed).toBe(false);
    await advanceTo(scheduler, 200);
    const err = await pending;
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(conn.isClosed).toBe(true);
  });
});
