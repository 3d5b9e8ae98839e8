import { Observable, type OperatorFunction, type Subscriber, type Subscription } from 'rxjs';
import type { BatchListener, ProducerBatch } from '../accumulator/ProducerBatch';
import { RecordDroppedError, RecordError } from '../errors';
import type { ProducerMetrics } from '../metrics/ProducerMetrics';
import type { Ack, FailedAck } from '../types';
import type { Interceptors } from './Interceptors';
import type { BatchSink } from './PipelineHost';

/** What the ack stage takes from its producer. */
export interface AckStageHost {
  /** Where batches go, and come back from, done or split. */
  readonly batches: Pick<BatchSink, 'enqueue' | 'release' | 'discard' | 'split'>;
  /** Where failed records are counted; absent: not counted. */
  readonly metrics?: ProducerMetrics;
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
    this.metrics = host.metrics ?? null;
    this.interceptors = host.interceptors ?? null;
  }

  /** A batch from the accumulate stage. */
  next(batch: ProducerBatch): void {
    if (batch.origin !== null) this.origin = batch.origin;
    if (this.sourceStopped) {
      // Stopping: nothing more is sent; these records are undelivered and named in the error.
      this.furtherFailures += batch.recordCount;
      if (this.metrics !== null) this.metrics.recordErrorTotal += batch.recordCount;
      this.host.batches.discard(batch);
      return;
    }
    this.outstanding++;
    batch.listener = this;
    if (batch.error !== null) this.onBatchDone(batch); // failed before it had memory
    else this.host.batches.enqueue(batch);
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
    this.host.batches.split(batch, parts);
  }

  onBatchDone(batch: ProducerBatch): void {
    this.outstanding--;
    if (batch.buffer !== null) this.host.batches.release(batch);
    if (batch.error !== null && this.metrics !== null) this.metrics.recordErrorTotal += batch.recordCount;
    if (this.closed) {
      // Nobody listens any more, but a span started in onSend must still end.
      this.interceptors?.onBatchDone(batch);
    } else if (batch.error === null) {
      this.emitAcks(batch);
    } else if (!this.stopOnError || batch.error instanceof RecordDroppedError) {
      // A drop is what 'drop-newest' asked for: reported on the ack, never a reason to stop.
      this.emitFailedAcks(batch, batch.error);
    } else {
      this.stopOn(batch, batch.error);
    }
    this.maybeFinish();
  }

  /**
   * One ack per record, in record order. onAcknowledgement comes before each ack is emitted (Java
   * calls interceptors before the send callback), with the very same object.
   *
   * The batch's fields are read once, and the offset is counted up by 1n: `baseOffset + BigInt(i)`
   * allocated two BigInts per record, this one (the Ack's own offset, the API's type).
   */
  private emitAcks(batch: ProducerBatch): void {
    const hooks = this.interceptors;
    const subscriber = this.subscriber;
    const n = batch.recordCount;
    const metas = batch.metas;
    const timestamps = batch.timestamps;
    const topic = batch.topic;
    const partition = batch.partition;
    const logAppendTimeMs = batch.logAppendTimeMs;
    const useLogAppendTime = logAppendTimeMs >= 0;
    const baseOffset = batch.baseOffset;
    const acksZero = baseOffset < 0n;
    let offset = acksZero ? -1n : baseOffset;
    for (let i = 0; i < n; i++) {
      const ack: Ack<M> = {
        topic,
        partition,
        offset,
        timestamp: useLogAppendTime ? logAppendTimeMs : timestamps[i],
        meta: metas[i] as M,
      };
      if (hooks !== null) hooks.onAcknowledgement(ack);
      subscriber.next(ack);
      if (!acksZero) offset = offset + 1n;
    }
  }

  /** Without stopOnError: each record's ack carries the batch's error. */
  private emitFailedAcks(batch: ProducerBatch, error: Error): void {
    const hooks = this.interceptors;
    const n = batch.recordCount;
    const metas = batch.metas;
    const partition = batch.partition >= 0 ? batch.partition : undefined;
    for (let i = 0; i < n; i++) {
      const ack: FailedAck<M> = {
        topic: batch.topic || undefined,
        partition,
        offset: undefined,
        timestamp: batch.timestamps[i],
        meta: metas[i] as M,
        error,
      };
      if (hooks !== null) hooks.onAcknowledgement(ack);
      this.subscriber.next(ack);
    }
  }

  /**
   * stopOnError and a record failed: no ack is emitted for it (the hooks still hear of each
   * record); the first failure becomes the stream's error, once what was sent has settled.
   */
  private stopOn(batch: ProducerBatch, error: Error): void {
    this.interceptors?.onBatchDone(batch);
    if (this.failure !== null) {
      this.furtherFailures += batch.recordCount;
      return;
    }
    const where = batch.topic ? `${batch.topic}${batch.partition >= 0 ? `-${batch.partition}` : ''}` : 'an unknown topic';
    // A record's own RecordError (InvalidRecordError, PartitionerError) already names the record
    // and says what is wrong: the stream errors with it rather than a wrapper around it.
    this.failure =
      error instanceof RecordError
        ? (error as RecordError<M>)
        : new RecordError<M>(
            `record for ${where} was not delivered: ${error.message}`,
            { topic: batch.topic || undefined, partition: batch.partition >= 0 ? batch.partition : undefined, meta: batch.metas[0] as M },
            error,
          );
    this.furtherFailures += batch.recordCount - 1;
    // Hand over what the accumulate stage already holds (it is sent like any batch), then stop.
    this.origin?.flush();
    this.sourceStopped = true;
    this.stopSource();
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

/**
 * The ack (send) stage as an operator: batches in, one ack per record out; completes when the
 * source completes and every batch is done. With `stopOnError`, the first failure unsubscribes
 * from the source and, once what was sent has settled, ends the stream with a RecordError.
 */
export function ackStage<M>(host: AckStageHost, stopOnError: boolean): OperatorFunction<ProducerBatch, Ack<M>> {
  return (source) =>
    new Observable<Ack<M>>((subscriber) => {
      // The upstream subscription, cut when the stage stops on an error.
      let upstream: Subscription | null = null;
      let stopRequested = false;
      const stage = new AckStage<M>(host, subscriber, stopOnError, () => {
        stopRequested = true;
        upstream?.unsubscribe();
      });
      upstream = source.subscribe({
        next: (batch) => stage.next(batch),
        error: (err) => stage.sourceError(err),
        complete: () => stage.complete(),
      });
      if (stopRequested) upstream.unsubscribe();
      return () => {
        upstream?.unsubscribe();
        stage.close();
      };
    });
}
