/**
 * What happened to the producer's connections, as it happens: `Producer.connectionEvents$`.
 * For diagnostics (the CLI prints failures while the producer still waits); the producer itself
 * retries on its own, within `maxBlockMs` and `deliveryTimeoutMs`, whoever listens.
 *
 * - `connected`: a connection to `broker` is ready (negotiated, authenticated).
 * - `connectFailed`: an attempt to connect to `broker` failed (refused, timed out, TLS or SASL
 *   refused); the pool backs off before the next one.
 * - `disconnected`: a ready connection to `broker` was lost (closed by the broker, a socket error,
 *   a request timeout); not emitted when the producer closes it on purpose.
 * - `noBrokerAnswered`: a Metadata request found no broker that answered (every known broker and
 *   bootstrap address failed); `broker` is the bootstrap list, `error` names each failure.
 *
 * `nodeId` is the broker's id, or -1, -2, … for bootstrap addresses (whose ids are not known yet),
 * and -1 for `noBrokerAnswered`.
 */
export type ConnectionEvent =
  | { type: 'connected'; nodeId: number; broker: string }
  | { type: 'connectFailed' | 'disconnected' | 'noBrokerAnswered'; nodeId: number; broker: string; error: Error };

/** Where the pool and the cluster report their ConnectionEvents (a Subject's `next`, or nothing). */
export type ConnectionEventSink = (event: ConnectionEvent) => void;
