/**
 * A SASL_PLAINTEXT listener in front of one mock broker (which has no SASL): it answers
 * SaslHandshake and SaslAuthenticate itself (saslServer.ts), adds them to the broker's
 * ApiVersions answer, and passes every other request to the broker and its response back, in
 * order. Like a Kafka broker, it closes a connection that sends anything else before it has
 * authenticated, that fails to authenticate, or that sends a request (other than a
 * re-authentication) after its session expired (KIP-368).
 *
 * `startSaslFronts` puts one before each broker of a mock cluster and makes Metadata advertise
 * the fronts (MockCluster.advertise, 2.12 only), so that clients reach every broker through one.
 * kcat (librdkafka, which nobody here wrote) connecting through the fronts proves them right.
 */
import * as net from 'node:net';
import { ApiVersions } from '../../src/protocol/ApiVersions';
import { Reader } from '../../src/protocol/Reader';
import { SaslAuthenticate } from '../../src/protocol/SaslAuthenticate';
import { SaslHandshake } from '../../src/protocol/SaslHandshake';
import { encodeApiVersionsResponse, encodeSaslAuthenticateResponse, encodeSaslHandshakeResponse } from '../protocol/responseEncoders';
import type { MockCluster } from './MockCluster';
import { SaslServerSession, type SaslServerConfig } from './saslServer';

/** What the fronts saw, for assertions. */
export interface SaslFrontStats {
  connections: number;
  /** Successful authentications, re-authentications included. */
  authentications: number;
  /** Authentications on a connection that had already authenticated. */
  reauthentications: number;
  /** Refused authentications. */
  failures: number;
  /** Connections closed for a request after their session expired. */
  expiredClosures: number;
  /** Connections closed for a request before authentication. */
  unauthenticatedClosures: number;
  /** Requests passed to the broker. */
  forwarded: number;
}

/** One response slot per request, answered in request order. */
interface Slot {
  frame: Buffer | null;
  /** The broker's ApiVersions answer gets the SASL APIs added (at this version). */
  apiVersions: number | null;
  /** Close the connection once this answer is written (a failed authentication). */
  closeAfter: boolean;
}

const SASL_RANGES = [
  { apiKey: SaslHandshake.apiKey, minVersion: 0, maxVersion: 1 },
  { apiKey: SaslAuthenticate.apiKey, minVersion: 0, maxVersion: 2 },
];

export class SaslFront {
  readonly stats: SaslFrontStats = {
    connections: 0,
    authentications: 0,
    reauthentications: 0,
    failures: 0,
    expiredClosures: 0,
    unauthenticatedClosures: 0,
    forwarded: 0,
  };
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly upstream: { host: string; port: number },
    private readonly config: SaslServerConfig,
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  static async start(upstream: string, config: SaslServerConfig): Promise<SaslFront> {
    const i = upstream.lastIndexOf(':');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    return new SaslFront(server, port, { host: upstream.slice(0, i), port: Number(upstream.slice(i + 1)) }, config);
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.stats.connections++;
    const broker = net.connect(this.upstream);
    const session = new SaslServerSession(this.config);
    const slots: Slot[] = [];
    /** Slots whose answer comes from the broker, oldest first (the broker answers in order). */
    const awaitingBroker: Slot[] = [];
    let closed = false;
    for (const s of [client, broker]) {
      this.sockets.add(s);
      s.on('error', () => close());
      s.on('close', () => close());
    }
    const close = (): void => {
      if (closed) return;
      closed = true;
      client.destroy();
      broker.destroy();
      this.sockets.delete(client);
      this.sockets.delete(broker);
    };
    const flush = (): void => {
      while (slots.length > 0 && slots[0].frame !== null) {
        const slot = slots.shift()!;
        client.write(slot.frame!);
        if (slot.closeAfter) {
          client.end();
          closed = true;
          broker.destroy();
          return;
        }
      }
    };
    const answer = (correlationId: number, flexibleHeader: boolean, body: Buffer, closeAfter = false): void => {
      slots.push({ frame: frame(correlationId, flexibleHeader, body), apiVersions: null, closeAfter });
      flush();
    };

    onFrames(client, (request) => {
      if (closed) return;
      const apiKey = request.readInt16BE(0);
      const version = request.readInt16BE(2);
      const correlationId = request.readInt32BE(4);
      if (apiKey === SaslHandshake.apiKey) {
        const r = requestBody(request, false);
        answer(correlationId, false, encodeSaslHandshakeResponse(session.handshake(r.nonNullString())));
        return;
      }
      if (apiKey === SaslAuthenticate.apiKey) {
        const flexible = version >= 2;
        const r = requestBody(request, flexible);
        const before = session.authentications;
        const res = session.authenticate((flexible ? r.compactBytes() : r.bytes()) ?? Buffer.alloc(0), version);
        if (res.failed) this.stats.failures++;
        if (session.authentications > before) {
          this.stats.authentications++;
          if (before > 0) this.stats.reauthentications++;
        }
        answer(correlationId, flexible, encodeSaslAuthenticateResponse(version, res), res.failed);
        return;
      }
      if (apiKey !== ApiVersions.apiKey && !session.authenticated) {
        this.stats.unauthenticatedClosures++;
        close();
        return;
      }
      if (session.authenticated && session.expired()) {
        this.stats.expiredClosures++;
        close();
        return;
      }
      const slot: Slot = { frame: null, apiVersions: apiKey === ApiVersions.apiKey ? version : null, closeAfter: false };
      slots.push(slot);
      awaitingBroker.push(slot);
      this.stats.forwarded++;
      broker.write(Buffer.concat([size(request.length), request]));
    });

    onFrames(broker, (response) => {
      const slot = awaitingBroker.shift();
      if (slot === undefined || closed) return close();
      const body = slot.apiVersions === null ? response : withSasl(response, slot.apiVersions);
      slot.frame = Buffer.concat([size(body.length), body]);
      flush();
    });
  }
}

/** Calls `onFrame` with each size-delimited frame (without its size) that `socket` delivers. */
function onFrames(socket: net.Socket, onFrame: (frame: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const n = pending.readInt32BE(0);
      onFrame(pending.subarray(4, 4 + n));
      pending = pending.subarray(4 + n);
    }
  });
}

/** A Reader at the request's body: after header v1 (api key, version, correlation id, client id) or v2 (plus tags). */
function requestBody(request: Buffer, flexibleHeader: boolean): Reader {
  const r = new Reader(request, 8);
  r.string();
  if (flexibleHeader) r.skipTaggedFields();
  return r;
}

/** A response frame: size, correlation id, (header v1: empty tags,) body. */
function frame(correlationId: number, flexibleHeader: boolean, body: Buffer): Buffer {
  const header = Buffer.alloc(flexibleHeader ? 5 : 4);
  header.writeInt32BE(correlationId, 0);
  return Buffer.concat([size(header.length + body.length), header, body]);
}

function size(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
}

/** The broker's ApiVersions answer with SaslHandshake and SaslAuthenticate added (error answers pass as they are). */
function withSasl(response: Buffer, version: number): Buffer {
  const r = new Reader(response, 4);
  let decoded;
  try {
    decoded = ApiVersions.decodeResponse(r, version);
  } catch {
    return response;
  }
  if (decoded.errorCode !== 0) return response;
  const apiKeys = decoded.apiKeys.filter((k) => !SASL_RANGES.some((s) => s.apiKey === k.apiKey)).concat(SASL_RANGES);
  return Buffer.concat([response.subarray(0, 4), encodeApiVersionsResponse(version, { ...decoded, apiKeys })]);
}

/** One front per broker of a mock cluster. */
export interface SaslFronts {
  fronts: SaslFront[];
  /** The fronts' addresses, for a client's bootstrap. */
  bootstrap: string;
  /** All fronts' stats added up. */
  stats: () => SaslFrontStats;
  stop: () => Promise<void>;
}

/** Fronts before every broker of `mock`, advertised in its Metadata until `stop()`. */
export async function startSaslFronts(mock: MockCluster, config: SaslServerConfig): Promise<SaslFronts> {
  const fronts: SaslFront[] = [];
  for (let id = 1; id <= mock.brokers.length; id++) {
    const front = await SaslFront.start(mock.brokers[id - 1], config);
    fronts.push(front);
    await mock.advertise(id, '127.0.0.1', front.port);
  }
  return {
    fronts,
    bootstrap: fronts.map((f) => f.address).join(','),
    stats: () => {
      const total = { ...fronts[0].stats };
      for (const f of fronts.slice(1)) for (const k of Object.keys(total) as Array<keyof SaslFrontStats>) total[k] += f.stats[k];
      return total;
    },
    stop: async () => {
      await Promise.all(fronts.map((f) => f.stop()));
      // Metadata names the brokers' own listeners again, for plaintext clients after us.
      for (let id = 1; id <= mock.brokers.length; id++) {
        const address = mock.brokers[id - 1];
        const i = address.lastIndexOf(':');
        await mock.advertise(id, address.slice(0, i), Number(address.slice(i + 1)));
      }
    },
  };
}
