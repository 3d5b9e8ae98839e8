import type { Api } from '../../protocol/api';
import { Fifo } from '../../collections/Fifo';
import type { VersionRange } from '../negotiateApiVersions';
import { RxKafkaError } from '../../errors';
import { authenticateSasl } from './authenticate';
import type { SaslOptions } from './SaslOptions';

/**
 * Re-authenticate between 85 % and 95 % of the session lifetime the broker gave (Java's
 * `SaslClientAuthenticator`): early enough for the exchange to finish before the broker would
 * close the connection, with jitter so that many connections do not re-authenticate at once.
 */
const REAUTH_AT = 0.85;
const REAUTH_JITTER = 0.1;

/** Writes a request on the connection now (ahead of held ones); settles with its response. */
export type SessionWrite = (api: Api<any, any>, req: unknown, version: number, expectResponse: boolean) => Promise<any>;

/** A request that arrived while the connection re-authenticated; written in arrival order afterwards. */
export interface HeldRequest {
  readonly api: Api<any, any>;
  readonly req: unknown;
  readonly version: number;
  readonly expectResponse: boolean;
  readonly resolve: (response: any) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The SASL side of one connection (Java: the authenticator inside `KafkaChannel`): it
 * authenticates after ApiVersions, knows when the session the broker granted must be renewed
 * (KIP-368), and holds the requests sent while a re-authentication runs, so that they go out
 * after it, in their order, on the same connection.
 *
 * Re-authentication happens between requests, as in Java: the first request sent once it is due
 * starts it. Requests already in flight are answered before the broker reads the SaslHandshake
 * (a broker handles one connection's requests in order), so only new ones wait.
 */
export class SaslSession {
  /** When the next send must re-authenticate first (monotonic ms); Infinity without a session lifetime. */
  private reauthenticateAtMs = Infinity;
  /** Requests waiting for the re-authentication under way, oldest first; empty otherwise. */
  private readonly held = new Fifo<HeldRequest>();
  /** True from the start of a re-authentication until it settles. */
  private reauthenticating = false;

  /**
   * `versions`: the connection's negotiated ranges (filled before `authenticate`); `write`: sends on
   * the connection; `onFailure`: a re-authentication failed, the connection must close with it.
   */
  constructor(
    private readonly broker: string,
    readonly options: SaslOptions,
    private readonly versions: ReadonlyMap<number, VersionRange>,
    private readonly write: SessionWrite,
    private readonly onFailure: (error: Error) => void,
    private readonly now: () => number,
    private readonly random: () => number,
  ) {}

  get mechanism(): string {
    return this.options.mechanism;
  }

  /** Requests held for the re-authentication under way. */
  get heldCount(): number {
    return this.held.size;
  }

  /** Runs the SASL exchange on the connection and schedules the next one. */
  async authenticate(): Promise<void> {
    const sessionLifetimeMs = await authenticateSasl(this.broker, this.options, this.versions, this.saslSend);
    this.reauthenticateAtMs =
      sessionLifetimeMs > 0 ? this.now() + sessionLifetimeMs * (REAUTH_AT + this.random() * REAUTH_JITTER) : Infinity;
  }

  /** True when a request sent now must wait: a re-authentication is due or under way. */
  mustHold(nowMs: number): boolean {
    return this.reauthenticating || nowMs >= this.reauthenticateAtMs;
  }

  /** Holds a request until the session is renewed (starting the renewal if it is not under way). */
  hold(api: Api<any, any>, req: unknown, version: number, expectResponse: boolean): Promise<any> {
    const held = new Promise((resolve, reject) => this.held.push({ api, req, version, expectResponse, resolve, reject }));
    if (!this.reauthenticating) {
      this.reauthenticating = true;
      this.authenticate().then(this.onReauthenticated, this.onReauthenticationFailed);
    }
    return held;
  }

  /** Removes and returns the held requests, oldest first (the connection is closing: it rejects them). */
  takeHeld(): HeldRequest[] {
    return this.held.clear();
  }

  private readonly saslSend = (api: Api<any, any>, req: unknown, version: number): Promise<any> =>
    this.write(api, req, version, true);

  private readonly onReauthenticated = (): void => {
    this.reauthenticating = false;
    const held = this.held.clear();
    for (let i = 0; i < held.length; i++) {
      const h = held[i];
      this.write(h.api, h.req, h.version, h.expectResponse).then(h.resolve, h.reject);
    }
  };

  private readonly onReauthenticationFailed = (err: unknown): void => {
    this.reauthenticating = false;
    // A timeout or a lost socket has closed the connection already (which rejected the held
    // requests); a refusal closes it now.
    this.onFailure(err instanceof Error ? err : new RxKafkaError(`re-authentication failed: ${String(err)}`, false));
  };
}
