import type { Logger } from 'pino';
import type { ProducerBatch } from '../accumulator/ProducerBatch';
import { splitBatch } from '../accumulator/splitBatch';
import type { Cluster } from '../cluster/Cluster';
import { DeliveryTimeoutError, MessageTooLargeError, ProducerClosedError, RxKafkaError } from '../errors';
import type { IdempotenceManager } from '../idempotence/IdempotenceManager';
import type { ProducerMetrics } from '../metrics/ProducerMetrics';
import type { ExponentialBackoff } from '../network/Backoff';
import { ErrorCode, kafkaError } from '../protocol/errorCodes';
import type { ProduceResponse } from '../protocol/Produce';
import type { Transactions } from '../transactions/Transactions';
import { reenqueue, requeueSplit, type PartitionQueue } from './PartitionQueue';
import { isMetadataError } from './produceRequest';
import type { SenderConfig } from './SenderConfig';
import { confirmSequence, onProducerStateError } from './sequenceReset';
import type { WakeTimer } from './WakeTimer';

/** One partition's result in a Produce response. */
export type PartitionResponse = ProduceResponse['topics'][number]['partitions'][number];

/** What BatchOutcomes works with; fixed for a sender. */
export interface BatchOutcomesOptions {
  readonly config: SenderConfig;
  readonly cluster: Pick<Cluster, 'requestUpdate'>;
  /** Idempotence, or null for a plain producer. */
  readonly idempotence: IdempotenceManager | null;
  /** The transactional producer's state, or null. */
  readonly transactions: Pick<Transactions, 'onBatchFailed'> | null;
  readonly retryBackoff: ExponentialBackoff;
  /** Wakes the sender when a retried batch's backoff ends. */
  readonly wakeTimer: WakeTimer;
  readonly metrics: ProducerMetrics;
  readonly logger: Logger;
}

/**
 * What becomes of a batch the broker answered, or that could not be sent (Java's
 * Sender.completeBatch, canRetry, reenqueueBatch, failBatch, and splitAndReenqueue): completed,
 * put back in its queue for a retry after backoff, split when refused as too large, or failed —
 * all within `deliveryTimeoutMs`. A failed batch with a sequence leaves a gap the broker will never
 * see filled: an idempotent producer restarts that partition's sequences (KIP-360), a
 * transactional one must abort.
 */
export class BatchOutcomes {
  /** Set by the sender's close(): a batch answered afterwards fails with ProducerClosedError instead of a retry or a split. */
  closed = false;
  /** Topics whose batches were split already: the first split of each is logged at warn, later ones at debug. */
  private readonly splitTopics = new Set<string>();

  constructor(private readonly o: BatchOutcomesOptions) {}

  /** The broker's answer for one batch of a Produce request (undefined: the broker left its partition out). */
  completeBatch(batch: ProducerBatch, queue: PartitionQueue, p: PartitionResponse | undefined, nodeId: number, nowMs: number): void {
    if (p === undefined) {
      this.retryOrFail(batch, kafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `no result for ${batch.topic}-${batch.partition} in the Produce response of node ${nodeId}`), nowMs, queue);
      return;
    }
    const code = p.errorCode;
    if (code === ErrorCode.NONE || code === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
      // DUPLICATE_SEQUENCE_NUMBER: the broker already has this batch (a retry of a write that
      // succeeded): it is delivered.
      if (this.o.idempotence !== null) confirmSequence(queue, batch);
      batch.complete(p.baseOffset, Number(p.logAppendTimeMs));
    } else if (code === ErrorCode.MESSAGE_TOO_LARGE) {
      this.splitTooLarge(batch, queue, nodeId);
    } else {
      const error = kafkaError(code, p.errorMessage ?? `producing to ${batch.topic}-${batch.partition} on node ${nodeId}`);
      if (isMetadataError(code)) this.o.cluster.requestUpdate();
      // Producer-state errors (KIP-360, see sequenceReset.ts) are retried whatever their kind.
      // A transactional producer does not bump epochs itself: the error makes the transaction abortable.
      const idempotence = this.o.idempotence;
      const stateError = idempotence !== null && this.o.transactions === null && onProducerStateError(code, queue, batch, idempotence);
      this.retryOrFail(batch, error, nowMs, queue, stateError);
    }
  }

  /**
   * Java's canRetry(): a retriable error (or `forceRetriable`), retries left, and the delivery
   * deadline not reached by the end of the backoff: the batch goes back to its queue in drain
   * order, to be sent again once the backoff ends. Otherwise it fails.
   */
  retryOrFail(batch: ProducerBatch, error: Error, nowMs: number, queue: PartitionQueue, forceRetriable = false): void {
    const { config, metrics } = this.o;
    const retriable = forceRetriable || (error instanceof RxKafkaError && error.retriable);
    const deadlineMs = batch.createdMs + config.deliveryTimeoutMs;
    if (this.closed) {
      this.failBatch(batch, queue, new ProducerClosedError());
      return;
    }
    if (!retriable || batch.attempts > config.retries) {
      this.failBatch(batch, queue, error);
      return;
    }
    const retryAtMs = nowMs + this.o.retryBackoff.backoff(batch.attempts - 1);
    if (retryAtMs >= deadlineMs) {
      this.failBatch(batch, queue, new DeliveryTimeoutError(batch.topic, batch.partition, config.deliveryTimeoutMs, error));
      return;
    }
    batch.lastError = error;
    batch.retryAfterMs = retryAtMs;
    metrics.recordRetryTotal += batch.recordCount;
    // Error paths only: the log object costs nothing on a healthy stream.
    this.o.logger.debug({ topic: batch.topic, partition: batch.partition, attempts: batch.attempts, backoffMs: retryAtMs - nowMs, err: error }, 'retrying batch');
    reenqueue(queue, batch);
    this.o.wakeTimer.wakeAt(retryAtMs);
  }

  /** Fails the batch for good; see the class comment for what a lost sequence costs. Stored once, as a FailBatch. */
  readonly failBatch = (batch: ProducerBatch, queue: PartitionQueue, error: Error): void => {
    this.o.logger.debug({ topic: batch.topic, partition: batch.partition, records: batch.recordCount, attempts: batch.attempts, err: error }, 'batch failed');
    if (this.o.transactions !== null) {
      // The transaction cannot commit now; a lost sequence is repaired by the abort's epoch bump.
      this.o.transactions.onBatchFailed(error, batch.baseSequence >= 0);
    } else if (this.o.idempotence !== null && batch.baseSequence >= 0) {
      // The broker may never see this sequence: later batches would be out of order. The
      // partition restarts at 0 under a newer epoch (KIP-360).
      queue.sequences.resetNeeded = true;
    }
    batch.fail(error);
  };

  /**
   * The broker refused the batch with MESSAGE_TOO_LARGE: larger than the topic's max.message.bytes.
   * As Java's sender does (completeBatch → splitAndReenqueue), a batch of several records is split
   * into smaller ones that take its place at the head of the partition's queue, keeping its
   * sequences (splitBatch.ts, requeueSplit in PartitionQueue.ts); a split is not a retry and
   * costs none of `retries`. Only a batch of one record fails: that record alone is too large.
   *
   * Other batches of the partition in flight at that moment were written after this one: with
   * idempotence the broker refuses them (OUT_OF_ORDER_SEQUENCE_NUMBER, since this batch's
   * sequences never arrived), and they are retried behind the parts, which are earlier in drain
   * order (sequenceReset.ts), so nothing is reordered and the sequence range stays contiguous.
   * The broker refuses them only once it knows our producer on the partition; before its first
   * ack a partition has one batch in flight (mustWaitForFirstAck), so none can overtake it.
   * Without idempotence the broker may append them before the parts, as after any retry (Java
   * likewise keeps order then only with maxInFlight 1).
   */
  private splitTooLarge(batch: ProducerBatch, queue: PartitionQueue, nodeId: number): void {
    if (this.closed) {
      this.failBatch(batch, queue, new ProducerClosedError());
      return;
    }
    if (batch.recordCount < 2) {
      this.failBatch(batch, queue, new MessageTooLargeError(batch.topic, batch.partition, batch.sizeInBytes, batch.compressionType));
      return;
    }
    const parts = splitBatch(batch, this.o.config.batchSize);
    requeueSplit(queue, batch, parts);
    this.o.metrics.batchSplitTotal++;
    const first = !this.splitTopics.has(batch.topic);
    if (first) this.splitTopics.add(batch.topic);
    const log = { topic: batch.topic, partition: batch.partition, nodeId, records: batch.recordCount, sizeBytes: batch.sizeInBytes, parts: parts.length };
    if (first) this.o.logger.warn(log, "batch refused as larger than the topic's max.message.bytes: split and sent again (batchSize above the topic's limit costs a round trip per split)");
    else this.o.logger.debug(log, 'batch split after MESSAGE_TOO_LARGE');
    // Last: the batch's listener gives its pooled memory back, which may let the accumulator hand
    // over new batches of this partition at once; the parts are already ahead of them.
    batch.splitInto(parts);
  }
}
