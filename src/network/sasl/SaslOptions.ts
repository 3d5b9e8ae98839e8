/**
 * What a connection needs to authenticate with SASL, after config validation (mechanism names
 * as Kafka and IANA spell them). See ProducerConfig.sasl for the user-facing shape.
 */

/** The SASL mechanisms rxkafka implements. */
export type SaslMechanismName = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'OAUTHBEARER';

export const SASL_MECHANISMS: readonly SaslMechanismName[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'];

/** Username and password mechanisms. */
export interface SaslPasswordOptions {
  readonly mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  readonly username: string;
  /** Never logged: config resolution makes it non-enumerable (see redactedSasl). */
  readonly password: string;
}

/** An OAuth 2 bearer token, as an `oauthBearerProvider` returns it. */
export interface OauthBearerToken {
  /** The token itself (typically a JWT), sent as `auth=Bearer <value>`. */
  value: string;
  /** SASL extensions (KIP-342), e.g. `{ logicalCluster: 'lkc-123' }` for Confluent Cloud. */
  extensions?: Record<string, string>;
}

/**
 * Returns a valid token. Called for every authentication: each new connection, and each
 * re-authentication when a broker's session nears its end, so return a fresh token when the
 * last one is about to expire (cache it until then). A rejection fails that connection attempt
 * (retried with reconnect backoff).
 */
export type OauthBearerProvider = () => Promise<OauthBearerToken>;

export interface SaslOauthBearerOptions {
  readonly mechanism: 'OAUTHBEARER';
  readonly oauthBearerProvider: OauthBearerProvider;
}

export type SaslOptions = SaslPasswordOptions | SaslOauthBearerOptions;
