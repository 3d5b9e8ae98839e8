/**
 * A FakeBroker with a SASL listener (test/support/saslServer.ts): it advertises SaslHandshake and
 * SaslAuthenticate, answers them per connection, answers Echo only once authenticated and while
 * the session lasts, and closes the connection otherwise — as a Kafka broker does. Responses go
 * out in request order, Echo ones after `echoDelayMs`, so that requests can be kept in flight.
 */
import { Reader } from '../../src/protocol/Reader';
import { SaslAuthenticate } from '../../src/protocol/SaslAuthenticate';
import { SaslHandshake } from '../../src/protocol/SaslHandshake';
import { encodeSaslAuthenticateResponse, encodeSaslHandshakeResponse } from '../protocol/responseEncoders';
import { SaslServerSession, type SaslServerConfig } from '../support/saslServer';
import { sleep } from '../support/wait';
import { ECHO_RANGE, echoBody, FakeBroker, parseEcho, type FakeConnection, type FakeRequest } from './fakeBroker';

export interface FakeSaslBrokerOptions extends SaslServerConfig {
  /** Highest SaslAuthenticate version advertised (default 2); v0 brokers give no session lifetime. */
  saslAuthenticateMax?: number;
  /** Leave the SASL APIs out of ApiVersions (a broker without SASL). */
  noSasl?: boolean;
  /** Delay of each Echo answer (the ones after it wait, as on a broker). */
  echoDelayMs?: number;
}

export interface FakeSaslBroker {
  broker: FakeBroker;
  /** Per connection, in accept order: its SASL state. */
  sessions: SaslServerSession[];
  /** Why the fake closed connections: 'unauthenticated', 'expired', 'refused'. */
  closures: string[];
  /** Echo values answered, in answer order. */
  echoed: number[];
}

export async function startFakeSaslBroker(opts: FakeSaslBrokerOptions): Promise<FakeSaslBroker> {
  const sasl = [
    { apiKey: SaslHandshake.apiKey, minVersion: 0, maxVersion: 1 },
    { apiKey: SaslAuthenticate.apiKey, minVersion: 0, maxVersion: opts.saslAuthenticateMax ?? 2 },
  ];
  const broker = await FakeBroker.start({ apis: opts.noSasl ? [ECHO_RANGE] : [ECHO_RANGE, ...sasl] });
  const fake: FakeSaslBroker = { broker, sessions: [], closures: [], echoed: [] };
  const bySocket = new Map<FakeConnection, { session: SaslServerSession; chain: Promise<void> }>();
  broker.onRequest = (req: FakeRequest) => {
    let state = bySocket.get(req.conn);
    if (state === undefined) {
      state = { session: new SaslServerSession(opts), chain: Promise.resolve() };
      bySocket.set(req.conn, state);
      fake.sessions.push(state.session);
    }
    const { session } = state;
    const inOrder = (delayMs: number, answer: () => void): void => {
      state!.chain = state!.chain.then(() => (delayMs > 0 ? sleep(delayMs) : undefined)).then(answer);
    };
    const close = (why: string): void => {
      fake.closures.push(why);
      inOrder(0, () => req.conn.socket.destroy());
    };
    if (req.apiKey === SaslHandshake.apiKey) {
      const res = session.handshake(new Reader(req.body).nonNullString());
      inOrder(0, () => req.conn.reply(req.correlationId, encodeSaslHandshakeResponse(res)));
    } else if (req.apiKey === SaslAuthenticate.apiKey) {
      const flexible = req.apiVersion >= 2;
      // A flexible request header ends with a tag buffer that the fake's parser leaves in the body.
      const r = new Reader(req.body, flexible ? 1 : 0);
      const res = session.authenticate((flexible ? r.compactBytes() : r.bytes()) ?? Buffer.alloc(0), req.apiVersion);
      const body = encodeSaslAuthenticateResponse(req.apiVersion, res);
      inOrder(0, () => req.conn.reply(req.correlationId, flexible ? Buffer.concat([Buffer.from([0]), body]) : body));
      if (res.failed) close('refused');
    } else if (!session.authenticated) {
      close('unauthenticated');
    } else if (session.expired()) {
      close('expired');
    } else {
      const value = parseEcho(req.body).value;
      inOrder(opts.echoDelayMs ?? 0, () => {
        fake.echoed.push(value);
        req.conn.reply(req.correlationId, echoBody(value));
      });
    }
  };
  return fake;
}
