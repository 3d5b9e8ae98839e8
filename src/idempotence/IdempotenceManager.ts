import type { Logger } from 'pino';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { Cluster } from '../cluster/Cluster';
import { ProducerClosedError, RxKafkaError } from '../errors';
import { ErrorCode, kafkaError } from '../protocol/errorCodes';
import { InitProducerId } from '../protocol/InitProducerId';
import type { ExponentialBackoff } from '../network/Backoff';
import type { PartitionSequences } from './PartitionSequences';

/** The highest producer epoch: after it, a new producer id is needed (Java's Short.MAX_VALUE). */
const MAX_EPOCH = 0x7fff;

/**
 * The idempotent producer's state — the idempotent half of Java's TransactionManager (the
 * transactional half is src/transactions/Transactions.ts): the producer id and epoch, and each
 * partition's sequences (PartitionSequences). Sequences are assigned when a batch is first
 * drained, so they follow send order; a retry resends the same sequence.
 *
 * Epoch bump (KIP-360), as Java's idempotent producer does it: when a partition's sequences have
 * a gap the broker will never see filled (a sequenced batch failed or expired), or the broker no
 * longer accepts them (OUT_OF_ORDER_SEQUENCE_NUMBER with nothing earlier unsettled,
 * UNKNOWN_PRODUCER_ID), the epoch is bumped locally — a broker accepts a higher epoch that starts
 * at sequence 0 — and that partition restarts at 0. Other partitions finish what they stamped
 * under the old epoch first (see PartitionSequences). A new producer id (InitProducerId) is needed
 * only when the epoch is exhausted or the broker fenced ours (INVALID_PRODUCER_EPOCH).
 */
export class IdempotenceManager {
  /** -1n until InitProducerId answered. */
  producerId = -1n;
  producerEpoch = -1;
  /** Set when the current id cannot go on (epoch exhausted or fenced): drain waits for a new one. */
  newProducerIdNeeded = false;
  /** Epoch bumps done locally, for logs and tests. */
  epochBumps = 0;
  /** The InitProducerId exchange under way, shared by concurrent callers. */
  private pending: Promise<void> | null = null;
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
    return this.producerId >= 0n && !this.newProducerIdNeeded;
  }

  /** The partition's sequences run under an older id/epoch than the producer's. */
  isStale(entry: PartitionSequences): boolean {
    return entry.producerId !== this.producerId || entry.producerEpoch !== this.producerEpoch;
  }

  /**
   * Base sequence for a batch of `recordCount` records on the partition; advances its counter. A
   * stale partition (nothing of it unsettled under its old epoch: the caller's invariant)
   * restarts at 0 under the current id/epoch.
   */
  assignSequence(entry: PartitionSequences, recordCount: number): number {
    if (this.isStale(entry)) {
      entry.producerId = this.producerId;
      entry.producerEpoch = this.producerEpoch;
      entry.nextSequence = 0;
      entry.confirmed = false;
    }
    const seq = entry.nextSequence;
    // Sequences are int32 and wrap to 0 (Kafka's DefaultRecordBatch.incrementSequence).
    const next = seq + recordCount;
    entry.nextSequence = next > 0x7fffffff ? next - 0x80000000 : next;
    return seq;
  }

  /**
   * Bumps the epoch locally (Java's bumpIdempotentProducerEpoch): every partition becomes stale
   * and restarts at 0 once its old batches settled. At the highest epoch, asks for a new id
   * instead (`newProducerIdNeeded`).
   */
  bumpEpoch(): void {
    if (this.producerEpoch >= MAX_EPOCH) {
      this.requestNewProducerId('epoch exhausted');
      return;
    }
    this.producerEpoch++;
    this.epochBumps++;
    this.logger.info({ producerId: String(this.producerId), epoch: this.producerEpoch }, 'producer epoch bumped');
  }

  /** The broker fenced our id/epoch, or the epoch is exhausted: drain waits for InitProducerId. */
  requestNewProducerId(reason: string): void {
    if (!this.newProducerIdNeeded) this.logger.info({ reason }, 'asking for a new producer id');
    this.newProducerIdNeeded = true;
  }

  /** Obtains a producer id: the first, or a new one after `requestNewProducerId`. */
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

  /**
   * Asks for a new producer id. For an idempotent producer a Kafka broker always answers with a
   * fresh id (it ignores a current id/epoch when there is no transactional id), so none is sent.
   */
  private async exchange(): Promise<void> {
    const startMs = this.scheduler.now();
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new ProducerClosedError('the producer was closed while it was getting a producer id');
      try {
        const conn = await this.cluster.leastLoadedConnection();
        const res = await conn.send(InitProducerId, {
          transactionalId: null,
          transactionTimeoutMs: 60000,
          producerId: -1n,
          producerEpoch: -1,
        });
        if (res.errorCode !== ErrorCode.NONE) {
          throw kafkaError(
            res.errorCode,
            'InitProducerId failed: the idempotent producer cannot get a producer id, so it cannot send; ' +
              'fix the cause on the broker side, or set idempotence: false',
          );
        }
        this.producerId = res.producerId;
        this.producerEpoch = res.producerEpoch;
        this.newProducerIdNeeded = false;
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
