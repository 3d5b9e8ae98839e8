import type { SaslClient } from './SaslClient';

/**
 * PLAIN (RFC 4616): one message, `authzid NUL authcid NUL password`, with an empty authzid (act
 * as the user who authenticates), as Java sends it. The password crosses the wire as is: use it
 * over TLS (SASL_SSL) outside of tests.
 */
export class PlainClient implements SaslClient {
  readonly mechanism = 'PLAIN';

  constructor(
    private readonly username: string,
    private readonly password: string,
  ) {}

  start(): Promise<Buffer> {
    return Promise.resolve(Buffer.from(`\u0000${this.username}\u0000${this.password}`, 'utf8'));
  }

  /** The broker's answer to PLAIN is empty: nothing more to say. */
  respond(): null {
    return null;
  }
}
