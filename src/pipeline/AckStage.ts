import type { Subscriber } from 'rxjs';
import { RecordDroppedError, RecordError } from '../errors';
import type { ProducerMetrics } from '../metrics/ProducerMetrics';
import type { Ack, FailedAck } from '../types';
import type { Interceptors } from './Interceptors';
import type { BatchListener, ProducerBatch } from '../accumulator/ProducerBatch';

/** What the ack stage needs from the producer. */
export interface AckStageHost {
  /** Hands a closed batch to the sender. */
  enqueue(batch: ProducerBatch): void;
  /** A batch handed over by `enqueue` is done: its memory goes back to the pool. */
  release(batch: ProducerBatch): void;
  /** A batch that was never handed over gives its memory back. */
  discard(batch: ProducerBatch): void;
  /**
   * A batch handed over by `enqueue` was split (the broker refused it as too large): its memory
   * goes back to the pool, and `parts`, already in the sender, stand for it until each is done.
   */
  split(batch: ProducerBatch, parts: ProducerBatch[]): void;
  /** Where failed records are counted; absent: not counted. */
  readonly metricsCounters?: ProducerMetrics;
  /** The onAcknowledgement hooks; null or absent when none are configured. */
  readonly interceptors?: Interceptors | null;
}

/**
 * The `send` stage of one stream: hands each closed batch to the sender and, when a batch is done,
 * emits one ack per record, in the batch's record order (so acks of one partition come in send
 * order). The stage completes once its source completed and every batch it handed over is done.
 *
 * With `stopOnError`, only successful acks are emitted; the first failure stops the source and ends
 * the stream with a RecordError. Records the stream had already accepted into batches are still
 * sent, and the error comes once every batch handed to the sender has settled, so that every
 * delivered record gets its ack first. Without it, a failed record's ack carries `error`.
 */
export class AckStage<M> implements BatchListener {
  /** Batches handed to the sender and not yet done. */
  private outstanding = 0;
  private sourceComplete = false;
  /** The first failure when `stopOnError`; the stream errors with it once outstanding is 0. */
  private failure: RecordError<M> | null = null;
  /** Records that failed after the first, counted into the final error's message. */
  private furtherFailures = 0;
  /** The subscriber went away: batches still finishing only release their memory. */
  private closed = false;
  /** The source was stopped (stopOnError): batches arriving after that are not sent. */
  private sourceStopped = false;
  /** The accumulate stage our batches come from; flushed when the stream stops. */
  private origin: { flush(): void } | null = null;
  /** The source's error, rethrown once outstanding batches are done. */
  private upstreamError: unknown = undefined;
  private readonly metrics: ProducerMetrics | null;
  private readonly interceptors: Interceptors | null;

  constructor(
    private readonly host: AckStageHost,
    private readonly subscriber: Subscriber<Ack<M>>,
    private readonly stopOnError: boolean,
    /** Called once when the stage has failed and wants its source to stop. */
    private readonly stopSource: () => void,
  ) {
    this.metrics = host.metricsCounters ?? null;
    this.interceptors = host.interceptors ?? null;
  }

  /** A batch from the accumulate stage. */
  next(batch: ProducerBatch): void {
    if (batch.origin !== null) this.origin = batch.origin;
    if (this.sourceStopped) {
      // Stopping: nothing more is sent; these records are undelivered and named in the error.
      this.furtherFailures += batch.recordCount;
      if (this.metrics !== null) this.metrics.recordErrorTotal += batch.recordCount;
      this.host.discard(batch);
      return;
    }
    this.outstanding++;
    batch.listener = this;
    if (batch.error !== null) this.onBatchDone(batch); // failed before it had memory
    else this.host.enqueue(batch);
  }

  complete(): void {
    this.sourceComplete = true;
    this.maybeFinish();
  }

  /** The source failed: batches already sent still settle (and are acked), then the stream errors. */
  sourceError(error: unknown): void {
    this.upstreamError = error;
    this.sourceComplete = true;
    this.maybeFinish();
  }

  /** The subscriber unsubscribed: stop emitting. Outstanding batches still return their memory. */
  close(): void {
    this.closed = true;
  }

  /** The parts of a split batch report here in its place, each once (see ProducerBatch.splitInto). */
  onBatchSplit(batch: ProducerBatch, parts: ProducerBatch[]): void {
    this.outstanding += parts.length - 1;
    this.host.split(batch, parts);
  }

  onBatchDone(batch: ProducerBatch): void {
    this.outstanding--;
    if (batch.buffer !== null) this.host.release(batch);
    if (batch.error !== null && this.metrics !== null) this.metrics.recordErrorTotal += batch.recordCount;
    // onAcknowledgement comes before each ack is emitted (Java calls interceptors before the send
    // callback), with the same object; and also when no ack is emitted (nobody listens any more,
    // or the stream stops on this failure): a span started in onSend must end.
    const hooks = this.interceptors;
    if (this.closed) {
      if (hooks !== null) hooks.onBatchDone(batch);
      return;
    }
    const n = batch.recordCount;
    const metas = batch.metas;
    if (batch.error === null) {
      const useLogAppendTime = batch.logAppendTimeMs >= 0;
      const acksZero = batch.baseOffset < 0n;
      for (let i = 0; i < n; i++) {
        const ack: Ack<M> = {
          topic: batch.topic,
          partition: batch.partition,
          offset: acksZero ? -1n : batch.baseOffset + BigInt(i),
          timestamp: useLogAppendTime ? batch.logAppendTimeMs : batch.timestamps[i],
          meta: metas[i] as M,
        };
        if (hooks !== null) hooks.onAcknowledgement(ack);
        this.subscriber.next(ack);
      }
    } else if (!this.stopOnError || batch.error instanceof RecordDroppedError) {
      // A drop is what 'drop-newest' asked for: reported on the ack, never a reason to stop.
      const partition = batch.partition >= 0 ? batch.partition : undefined;
      for (let i = 0; i < n; i++) {
        const ack: FailedAck<M> = {
          topic: batch.topic || undefined,
          partition,
          offset: undefined,
          timestamp: batch.timestamps[i],
          meta: metas[i] as M,
          error: batch.error,
        };
        if (hooks !== null) hooks.onAcknowledgement(ack);
        this.subscriber.next(ack);
      }
    } else {
      // Stopping on this failure: no ack is emitted, but the hooks still hear of each record.
      if (hooks !== null) hooks.onBatchDone(batch);
      if (this.failure === null) {
        const where = batch.topic ? `${batch.topic}${batch.partition >= 0 ? `-${batch.partition}` : ''}` : 'an unknown topic';
        // A record's own RecordError (InvalidRecordError, PartitionerError) already names the record
        // and says what is wrong: the stream errors with it rather than a wrapper around it.
        this.failure =
          batch.error instanceof RecordError
            ? (batch.error as RecordError<M>)
            : new RecordError<M>(
                `record for ${where} was not delivered: ${batch.error.message}`,
                { topic: batch.topic || undefined, partition: batch.partition >= 0 ? batch.partition : undefined, meta: metas[0] as M },
                batch.error,
              );
        this.furtherFailures += n - 1;
        // Hand over what the accumulate stage already holds (it is sent like any batch), then stop.
        this.origin?.flush();
        this.sourceStopped = true;
        this.stopSource();
      } else {
        this.furtherFailures += n;
      }
    }
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (this.closed || this.outstanding > 0) return;
    if (this.failure !== null) {
      this.closed = true;
      this.failure.message +=
        (this.furtherFailures > 0 ? ` (${this.furtherFailures} further record(s) not delivered either)` : '') +
        '; the stream stopped taking records: every record without an ack was not delivered';
      this.subscriber.error(this.failure);
    } else if (this.sourceComplete) {
      this.closed = true;
      if (this.upstreamError !== undefined) this.subscriber.error(this.upstreamError);
      else this.subscriber.complete();
    }
  }
}
