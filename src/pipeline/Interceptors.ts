import type { Logger } from 'pino';
import type { Ack, ProducerInterceptor, ProducerRecord } from '../types';
import type { ProducerBatch } from '../accumulator/ProducerBatch';

/** The configured interceptors, called in order, each call guarded. Absent (null) when none are configured: no per-record cost then. */
export class Interceptors {
  constructor(
    private readonly list: readonly ProducerInterceptor[],
    private readonly logger: Logger,
  ) {}

  /** Every onSend in order; a hook that throws or returns a non-record leaves the record as it was. */
  onSend<K, V, M>(record: ProducerRecord<K, V, M>, defaultTopic: string | undefined): ProducerRecord<K, V, M> {
    let current = record;
    for (let i = 0; i < this.list.length; i++) {
      const hook = this.list[i];
      if (hook.onSend === undefined) continue;
      try {
        // The topic beside the record rather than a copy of the record with it filled in: a copy
        // per record would cost more than the hooks themselves.
        const out = hook.onSend(current, current.topic ?? defaultTopic);
        if (out === undefined) continue;
        if (out === null || typeof out !== 'object') {
          this.logger.warn({ interceptor: i }, 'onSend returned neither a record nor nothing; the record goes on unchanged');
          continue;
        }
        current = out;
      } catch (err) {
        this.logger.warn({ err, interceptor: i, topic: current.topic }, 'onSend threw; the record goes on as the previous hooks left it');
      }
    }
    return current;
  }

  /** Every onAcknowledgement in order, with the ack the stream gets next (hooks must not change it). */
  onAcknowledgement(ack: Ack): void {
    for (let i = 0; i < this.list.length; i++) {
      const hook = this.list[i];
      if (hook.onAcknowledgement === undefined) continue;
      try {
        hook.onAcknowledgement(ack);
      } catch (err) {
        this.logger.warn({ err, interceptor: i, topic: ack.topic, partition: ack.partition }, 'onAcknowledgement threw; ignored');
      }
    }
  }

  /** A batch is done and no ack of it will be emitted (the stream stopped or went away): onAcknowledgement per record all the same. */
  onBatchDone(batch: ProducerBatch): void {
    const n = batch.recordCount;
    for (let r = 0; r < n; r++) this.onAcknowledgement(ackOf(batch, r));
  }

  /** The producer closes. */
  close(): void {
    for (let i = 0; i < this.list.length; i++) {
      try {
        this.list[i].close?.();
      } catch (err) {
        this.logger.warn({ err, interceptor: i }, 'close threw; ignored');
      }
    }
  }
}

/** Record `r`'s ack, as the send stage emits it (AckStage builds the same inline, for speed). */
function ackOf(batch: ProducerBatch, r: number): Ack {
  if (batch.error === null) {
    return {
      topic: batch.topic,
      partition: batch.partition,
      offset: batch.baseOffset < 0n ? -1n : batch.baseOffset + BigInt(r),
      timestamp: batch.logAppendTimeMs >= 0 ? batch.logAppendTimeMs : batch.timestamps[r],
      meta: batch.metas[r],
    };
  }
  return {
    topic: batch.topic || undefined,
    partition: batch.partition >= 0 ? batch.partition : undefined,
    offset: undefined,
    timestamp: batch.timestamps[r],
    meta: batch.metas[r],
    error: batch.error,
  };
}
