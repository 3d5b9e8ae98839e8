/** What the sender needs from the producer's configuration. */
export interface SenderConfig {
  acks: number;
  maxInFlight: number;
  maxRequestSize: number;
  requestTimeoutMs: number;
  deliveryTimeoutMs: number;
  retries: number;
  /** The most bytes of a part when a batch refused as too large is split (splitBatch.ts); absent: no cap but halving. */
  batchSize?: number;
}
