import type { Logger } from 'pino';
import type { Cluster } from '../cluster/Cluster';
import { RxKafkaError } from '../errors';
import { kafkaError } from '../protocol/errorCodes';
import { InitProducerId } from '../protocol/InitProducerId';
import { ExponentialBackoff } from '../network/Backoff';

/**
 * Idempotence state (Java's TransactionManager, idempotent half): the producer id and epoch the
 * broker assigned, and the next sequence number per partition. Sequences are assigned when a batch
 * is first drained, so they follow send order; a retry resends the same sequence.
 *
 * Epoch bump (KIP-360): when a batch that already has a sequence can no longer be delivered (it
 * expired or failed), the broker's view of that partition's sequence has a gap. The sender stops
 * draining, waits for in-flight requests to settle, and calls `bumpEpoch()`: InitProducerId with
 * the current id/epoch (v3+) returns the same id with epoch+1 (older brokers: a new id), and every
 * sequence restarts at 0. Queued batches are restamped when drained again.
 */
export class TransactionManager {
  /** -1n until InitProducerId answered. */
  producerId = -1n;
  producerEpoch = -1;
  /** Next sequence to assign, per "topic\0partition". */
  private readonly nextSequence = new Map<string, number>();
  /** The InitProducerId exchange under way, shared by concurrent callers. */
  private pending: Promise<void> | null = null;
  /** Set when a sequenced batch was lost: drain must pause until the epoch is bumped. */
  epochBumpNeeded = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly retryBackoff: ExponentialBackoff,
    private readonly deadlineMs: number,
    private readonly logger: Logger,
  ) {}

  get hasProducerId(): boolean {
    return this.producerId >= 0n;
  }

  /** Base sequence for a batch of `recordCount` records on `tpKey`; advances the partition's counter. */
  assignSequence(tpKey: string, recordCount: number): number {
    const seq = this.nextSequence.get(tpKey) ?? 0;
    // Sequences are int32 and wrap to 0 (Kafka's DefaultRecordBatch.incrementSequence).
    const next = seq + recordCount;
    this.nextSequence.set(tpKey, next > 0x7fffffff ? next - 0x80000000 : next);
    return seq;
  }

  /** Obtains a producer id (first call) or a bumped epoch (after `epochBumpNeeded`). */
  initProducerId(): Promise<void> {
    if (this.pending === null) {
      this.pending = this.exchange().finally(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }

  private async exchange(): Promise<void> {
    const startMs = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const conn = await this.cluster.leastLoadedConnection();
        const version = conn.versionFor(InitProducerId);
        const bump = this.hasProducerId && version >= 3;
        const res = await conn.send(InitProducerId, {
          transactionalId: null,
          transactionTimeoutMs: 60000,
          producerId: bump ? this.producerId : -1n,
          producerEpoch: bump ? this.producerEpoch : -1,
        });
        if (res.errorCode !== 0) throw kafkaError(res.errorCode, 'InitProducerId');
        this.producerId = res.producerId;
        this.producerEpoch = res.producerEpoch;
        this.nextSequence.clear();
        this.epochBumpNeeded = false;
        this.logger.debug({ producerId: String(res.producerId), epoch: res.producerEpoch }, 'producer id assigned');
        return;
      } catch (err) {
        const retriable = err instanceof RxKafkaError && err.retriable;
        if (!retriable || Date.now() - startMs > this.deadlineMs) throw err;
        await delay(this.retryBackoff.backoff(attempt));
      }
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
