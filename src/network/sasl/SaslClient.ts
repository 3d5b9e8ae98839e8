/**
 * The client side of one SASL mechanism for one authentication (Java: `SaslClient`): the first
 * message, then an answer to each server challenge until the mechanism is satisfied. A new one
 * is made for every (re-)authentication; it holds that exchange's state (nonces, the token).
 */
export interface SaslClient {
  /** The mechanism's name, as SaslHandshake sends it. */
  readonly mechanism: string;
  /** The client's first message (OAUTHBEARER asks its provider for a token here). */
  start(): Promise<Buffer>;
  /**
   * The answer to the server's `challenge`, or null when the exchange is complete on the
   * client's side. Throws (with a message for the user) when the challenge is wrong: a bad
   * server signature, a nonce that does not extend ours.
   */
  respond(challenge: Buffer): Buffer | null;
  /** What the server said about a failure, when the mechanism carries it (OAUTHBEARER's JSON status). */
  failureDetail?(): string | undefined;
}
