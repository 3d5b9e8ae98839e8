import type { Logger } from 'pino';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { Cluster } from '../cluster/Cluster';
import { ProducerClosedError, RxKafkaError } from '../errors';
import { ErrorCode, kafkaError } from '../protocol/errorCodes';
import { InitProducerId } from '../protocol/InitProducerId';
import type { ExponentialBackoff } from '../network/Backoff';

/**
 * Idempotence state (Java's TransactionManager, idempotent half): the producer id and epoch the
 * broker assigned, and the next sequence number per partition. Sequences are assigned when a batch
 * is first drained, so they follow send order; a retry resends the same sequence.
 *
 * Epoch bump (KIP-360): when a batch that already has a sequence can no longer be delivered (it
 * expired or failed), the broker's view of that partition's sequence has a gap. The sender stops
 * draining, waits for in-flight requests to settle, and calls `initProducerId()` again: with the
 * current id/epoch (InitProducerId v3+) the broker returns the same id with epoch+1 (older brokers,
 * or a broker that no longer knows the id: a new id), and every sequence restarts at 0. Queued
 * batches are restamped when drained again.
 */
export class TransactionManager {
  /** -1n until InitProducerId answered. */
  producerId = -1n;
  producerEpoch = -1;
  /** Next sequence to assign, per "topic\0partition"; cleared whenever the id or epoch changes. */
  private readonly nextSequence = new Map<string, number>();
  /** The InitProducerId exchange under way, shared by concurrent callers. */
  private pending: Promise<void> | null = null;
  /** Set when a sequenced batch was lost: drain must pause until the epoch is bumped. */
  epochBumpNeeded = false;
  /** Set by close(): an exchange under way stops at its next step. */
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly retryBackoff: ExponentialBackoff,
    /** How long one exchange keeps retrying retriable errors (the producer's deliveryTimeoutMs). */
    private readonly deadlineMs: number,
    private readonly logger: Logger,
    /** Clock and timers for the retry backoff (virtual time in tests). */
    private readonly scheduler: SchedulerLike = asyncScheduler,
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

  /** Stops retrying: an exchange under way rejects with ProducerClosedError at its next step. */
  close(): void {
    this.closed = true;
  }

  private async exchange(): Promise<void> {
    const startMs = this.scheduler.now();
    // Cleared when the broker refuses to bump our epoch: then a new producer id does as well.
    let bump = this.hasProducerId;
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new ProducerClosedError('the producer was closed while it was getting a producer id');
      try {
        const conn = await this.cluster.leastLoadedConnection();
        const version = conn.versionFor(InitProducerId);
        const bumping = bump && version >= 3;
        const res = await conn.send(InitProducerId, {
          transactionalId: null,
          transactionTimeoutMs: 60000,
          producerId: bumping ? this.producerId : -1n,
          producerEpoch: bumping ? this.producerEpoch : -1,
        });
        if (res.errorCode !== ErrorCode.NONE) {
          if (bumping && isBumpRefused(res.errorCode)) {
            // The broker does not know our id/epoch any more (or, like librdkafka's mock, cannot
            // bump an idempotent producer's epoch). For an idempotent producer a new id is as good
            // as a new epoch: sequences restart at 0 either way.
            this.logger.info({ errorCode: res.errorCode }, 'epoch bump refused; asking for a new producer id');
            bump = false;
            continue;
          }
          throw kafkaError(
            res.errorCode,
            'InitProducerId failed: the idempotent producer cannot get a producer id, so it cannot send; ' +
              'fix the cause on the broker side, or set idempotence: false',
          );
        }
        this.producerId = res.producerId;
        this.producerEpoch = res.producerEpoch;
        this.nextSequence.clear();
        this.epochBumpNeeded = false;
        this.logger.debug({ producerId: String(res.producerId), epoch: res.producerEpoch }, 'producer id assigned');
        return;
      } catch (err) {
        const retriable = err instanceof RxKafkaError && err.retriable;
        if (!retriable || this.closed || this.scheduler.now() - startMs >= this.deadlineMs) throw err;
        this.logger.debug({ err, attempt }, 'InitProducerId failed; retrying');
        await this.delay(this.retryBackoff.backoff(attempt));
      }
    }
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => this.scheduler.schedule(() => resolve(), ms));
  }
}

/** Answers to a bump request after which a request for a new producer id should succeed. */
function isBumpRefused(code: number): boolean {
  return (
    code === ErrorCode.INVALID_PRODUCER_ID_MAPPING ||
    code === ErrorCode.INVALID_PRODUCER_EPOCH ||
    code === ErrorCode.UNKNOWN_PRODUCER_ID ||
    code === ErrorCode.PRODUCER_FENCED
  );
}
