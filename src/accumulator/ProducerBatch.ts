import type { CompressionCodec } from '../compression/CompressionCodec';
import { RecordBatchBuilder, RecordHeader } from '../protocol/RecordBatch';

/** Who is told when a batch is done: the `send` stage that owns the batch's records. */
export interface BatchListener {
  onBatchDone(batch: ProducerBatch): void;
  /**
   * The broker refused `batch` as too large and the sender split it (see splitBatch.ts): its
   * records go on in `parts`, which report to this listener in turn; `batch` itself never reports
   * done. Absent: nothing to account, the parts simply report.
   */
  onBatchSplit?(batch: ProducerBatch, parts: ProducerBatch[]): void;
}

/**
 * Where a batch is in its life; each step is one method, which checks the step before:
 *
 *     open ──hold()──▶ held ──┐
 *       └──────close()────────┴─▶ closed ──seal──▶ sealed ──complete()/fail()/splitInto()──▶ done
 *                                    └────────────complete()/fail()/splitInto()──────────────┘
 *
 * - `open`: takes records (`append`).
 * - `held`: lingered, but kept open by the accumulator while its partition is busy in the sender;
 *   still takes records.
 * - `closed`: no more appends, the record-batch header is final; with a codec, the records are
 *   not compressed yet (BatchCompressor may do it off the event loop). A batch that failed before
 *   it had memory (`ProducerBatch.failed`) starts here.
 * - `sealed`: the bytes are final (compressed if there is a codec); without a codec `close()`
 *   seals at once. Queued in the sender, in flight and back in the queue for a retry are all
 *   `sealed`: the sender's PartitionQueue (its `batches` and `inFlight`) tells which.
 * - `done`: completed, failed, or split into parts — exactly once.
 */
export type BatchState = 'open' | 'held' | 'closed' | 'sealed' | 'done';

/**
 * The records of one stream for one topic-partition, encoded as one RecordBatch v2 (Java's
 * ProducerBatch). Records are written into the batch buffer as they are appended: the bytes on the
 * wire are produced once, and a retry resends the same bytes (with the same sequence numbers).
 *
 * With a codec, the records are compressed once, when the batch is sealed: by `sealAsync()` on
 * libuv's thread pool, or else synchronously by the first `sizeInBytes` or `records()` after
 * close() (the sender's drain). Closing for appends and sealing are apart so that whoever hands
 * the batch to the sender may compress it off the event loop in between.
 *
 * Who writes what: the state and the outcome change only through the methods below (the
 * accumulator appends, holds and closes; BatchCompressor seals; the sender stamps the producer
 * state, completes, fails or splits). The few public fields each name their one writer.
 */
export class ProducerBatch {
  /** Per record, in append order: the user's correlation value, returned on the ack untouched. */
  readonly metas: unknown[] = [];
  /** Per record: its timestamp (CreateTime), returned on the ack. */
  readonly timestamps: number[] = [];

  // The sender's bookkeeping: written by the Sender's drain (attempts, drainOrder), its retry
  // path (retryAfterMs, lastError) and PartitionQueue.requeueSplit (drainOrder of split parts).

  /** Send attempts so far; 0 until the first drain. */
  attempts = 0;
  /**
   * Position of the batch in its partition's send order, given at its first drain (-1 before).
   * Retries go back in this order, so they keep per-partition order with or without idempotence.
   */
  drainOrder = -1;
  /** Not to be drained before this time (retry backoff). */
  retryAfterMs = 0;
  /** The last retriable error, reported if the batch finally expires. */
  lastError: Error | undefined;

  // Wiring, set once by whoever hands the batch on.

  /** Who to tell when done; written by the send stage (AckStage) when it takes the batch, and by splitInto for the parts. */
  listener: BatchListener | null = null;
  /**
   * The stage that filled the batch (written by RecordAccumulator, copied to split parts), so
   * that the send stage can make it hand over its other open batches when the stream stops
   * (stopOnError): accepted records are still sent, not dropped.
   */
  origin: {
    /** Hands over every open batch of that stage now. */
    flush(): void;
  } | null = null;

  /** See BatchState; changed only by the transition methods. */
  private lifecycle: BatchState = 'open';
  /** Compresses the records when the batch is sealed; null for none (or after a codec failure). */
  private codec: CompressionCodec | null = null;
  // Producer state, stamped by setProducerState (the sender's drain; splitBatch for the parts).
  private baseSequenceValue = -1;
  private producerIdValue = -1n;
  private producerEpochValue = -1;
  private transactionalValue = false;
  // Outcome, set by complete() or fail() (and by ProducerBatch.failed).
  private baseOffsetValue = -1n;
  private logAppendTimeMsValue = -1;
  private errorValue: Error | null = null;

  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdMs: number,
    /** See `buffer`; replaced by `moveTo` while the batch grows. */
    private bufferValue: Buffer | null,
    private readonly builder: RecordBatchBuilder | null,
    /**
     * Whether `buffer` came from the BufferPool (and goes back to it when the batch is done); false
     * for the parts of a split batch, whose memory is their own (as Java allocates split batches
     * outside its pool).
     */
    readonly pooled = true,
  ) {}

  /**
   * An open batch writing into `buffer` (owned by the batch until it is released), its records
   * compressed by `codec` when it is sealed (null: uncompressed).
   */
  static open(topic: string, partition: number, nowMs: number, buffer: Buffer, codec: CompressionCodec | null = null): ProducerBatch {
    const batch = new ProducerBatch(topic, partition, nowMs, buffer, new RecordBatchBuilder(buffer, nowMs, codec));
    batch.codec = codec;
    return batch;
  }

  /**
   * An empty batch for some of `parent`'s records, writing into `buffer` (not the pool's): same
   * partition, creation time (so the same delivery deadline), codec and stage. For splitBatch.
   */
  static openPart(parent: ProducerBatch, buffer: Buffer): ProducerBatch {
    const part = new ProducerBatch(parent.topic, parent.partition, parent.createdMs, buffer, new RecordBatchBuilder(buffer, parent.createdMs, parent.codec), false);
    part.codec = parent.codec;
    part.origin = parent.origin;
    return part;
  }

  /**
   * A batch of one record that failed before it could be appended (serializer threw, no partition,
   * too large, buffer exhausted): it travels to the send stage like any other so that the failure
   * is reported on that record's ack, in stream order. It starts closed, its error set.
   */
  static failed(topic: string, partition: number, nowMs: number, meta: unknown, timestamp: number, error: Error): ProducerBatch {
    const batch = new ProducerBatch(topic, partition, nowMs, null, null);
    batch.metas.push(meta);
    batch.timestamps.push(timestamp);
    batch.lifecycle = 'closed';
    batch.errorValue = error;
    return batch;
  }

  /**
   * The batch's memory from the BufferPool (the buffer it is in now: it may have moved to a larger
   * one while open); null for a batch that failed before it had any.
   */
  get buffer(): Buffer | null {
    return this.bufferValue;
  }

  /** Bytes the batch may still write before it needs a larger buffer (0 for a failed batch). */
  get capacityBytes(): number {
    return this.bufferValue === null ? 0 : this.bufferValue.length;
  }

  get state(): BatchState {
    return this.lifecycle;
  }
  /** No more appends: closed, sealed or done. */
  get closed(): boolean {
    return this.lifecycle !== 'open' && this.lifecycle !== 'held';
  }
  /** True once complete(), fail() or splitInto() ran: a batch finishes exactly once. */
  get done(): boolean {
    return this.lifecycle === 'done';
  }

  /** First sequence number of the batch once the sender assigned one (idempotence), else -1. */
  get baseSequence(): number {
    return this.baseSequenceValue;
  }
  /** Producer id the sequence was assigned under (-1 before). */
  get producerId(): bigint {
    return this.producerIdValue;
  }
  /** Producer epoch the sequence was assigned under (-1 before). */
  get producerEpoch(): number {
    return this.producerEpochValue;
  }
  /** Stamped as part of a transaction (the batch's transactional flag). */
  get transactional(): boolean {
    return this.transactionalValue;
  }

  /** Outcome: the partition offset of the first record, once completed (-1 before). */
  get baseOffset(): bigint {
    return this.baseOffsetValue;
  }
  /** LogAppendTime when the topic uses it, else -1 (acks then carry the record's CreateTime). */
  get logAppendTimeMs(): number {
    return this.logAppendTimeMsValue;
  }
  /** Set when the batch failed; every record of the batch fails with it. */
  get error(): Error | null {
    return this.errorValue;
  }

  /** The codec its records are compressed with ('none' when uncompressed). */
  get compressionType(): CompressionCodec['name'] | 'none' {
    return this.codec === null ? 'none' : this.codec.name;
  }

  get recordCount(): number {
    return this.metas.length;
  }

  /**
   * Encoded size (header included): so far while open; once closed, as sent — which seals the
   * batch, compressing it now if sealAsync() has not.
   */
  get sizeInBytes(): number {
    if (this.builder === null) return 0;
    if (this.lifecycle === 'closed') this.seal();
    // Finished before it was sealed (failed in a queue): the bytes as they would have been sent.
    else if (this.lifecycle === 'done') this.builder.close();
    return this.builder.sizeInBytes;
  }

  /** Closed, with records still to compress: sealAsync() would take the work off the event loop. */
  get needsCompression(): boolean {
    return this.lifecycle === 'closed' && this.codec !== null && this.builder !== null;
  }

  /** Compressing this batch would block the event loop long enough to do it on the thread pool (see BatchCompressor). */
  get compressesOffLoop(): boolean {
    return this.needsCompression && this.builder!.records.length >= this.codec!.offLoopMinBytes;
  }

  /** Uncompressed bytes of the records still to seal (0 for a failed batch, and once sealed or done); what a codec would have to compress. */
  get uncompressedRecordsBytes(): number {
    return this.builder === null || this.lifecycle === 'sealed' || this.lifecycle === 'done' ? 0 : this.builder.records.length;
  }

  /** Whether a record whose encoded size is at most `recordSizeUpperBound` still fits (false once closed). */
  hasRoomFor(recordSizeUpperBound: number): boolean {
    return (this.lifecycle === 'open' || this.lifecycle === 'held') && this.builder !== null && this.builder.hasRoomFor(recordSizeUpperBound);
  }

  /** Appends one record; the caller checked `hasRoomFor`. Refused once the batch is closed. */
  append(
    timestamp: number,
    key: Buffer | null,
    value: Buffer | null,
    headers: RecordHeader[] | null,
    meta: unknown,
  ): void {
    if (this.lifecycle !== 'open' && this.lifecycle !== 'held') throw this.misuse('append to');
    this.builder!.append(timestamp, key, value, headers);
    this.metas.push(meta);
    this.timestamps.push(timestamp);
  }

  /**
   * Moves the open (or held) batch into a larger `buffer` from the same pool, copying what is
   * written (RecordBatchBuilder.moveTo); returns the buffer it left, for the caller to give back.
   */
  moveTo(buffer: Buffer): Buffer {
    if (this.lifecycle !== 'open' && this.lifecycle !== 'held') throw this.misuse('grow');
    this.builder!.moveTo(buffer);
    const previous = this.bufferValue!;
    this.bufferValue = buffer;
    return previous;
  }

  /** Open → held: lingered while its partition is busy; it keeps taking records. */
  hold(): void {
    if (this.lifecycle !== 'open' && this.lifecycle !== 'held') throw this.misuse('hold');
    this.lifecycle = 'held';
  }

  /**
   * Open or held → closed (no more appends): the batch goes to the sender. Without a codec it is
   * sealed at once. Closing a batch that is already closed (or further) does nothing.
   */
  close(): void {
    if (this.lifecycle !== 'open' && this.lifecycle !== 'held') return;
    this.lifecycle = 'closed';
    if (this.codec === null) this.seal();
  }

  /**
   * Compresses the records off the event loop (the codec's `compress`) and seals the batch. Resolves once sealed (at
   * once if there is nothing to compress); a codec failure rejects, and the batch is then sealed
   * uncompressed. Call it after close(), before the batch goes to the sender.
   */
  async sealAsync(): Promise<void> {
    if (!this.needsCompression) return;
    let compressed: Buffer;
    try {
      compressed = await this.codec!.compress(this.builder!.records);
    } catch (err) {
      this.codec = null;
      this.sealWith(null); // uncompressed
      throw err;
    }
    this.sealWith(compressed);
  }

  /**
   * Closed → sealed with `compressed` (null: uncompressed). sizeInBytes or records() may have
   * sealed the batch synchronously meanwhile, or it may be done already: the builder keeps the
   * bytes it closed with first.
   */
  private sealWith(compressed: Buffer | null): void {
    this.builder!.close(compressed);
    if (this.lifecycle === 'closed') this.lifecycle = 'sealed';
  }

  /** Closed (or still open, for records()) → sealed: compresses synchronously if there is a codec. */
  private seal(): void {
    this.lifecycle = 'sealed';
    this.builder!.close();
  }

  /**
   * Stamps the producer id, epoch and base sequence (idempotence); the CRC follows if they changed. Called
   * at the first drain, and again if the epoch is bumped while the batch waits to be retried.
   */
  setProducerState(producerId: bigint, producerEpoch: number, baseSequence: number, transactional: boolean): void {
    this.producerIdValue = producerId;
    this.producerEpochValue = producerEpoch;
    this.baseSequenceValue = baseSequence;
    this.transactionalValue = transactional;
    this.builder!.setProducerState(producerId, producerEpoch, baseSequence, transactional);
  }

  /** The encoded RecordBatch, as sent in a Produce request (closing and sealing it, if that is still to do). */
  records(): Buffer {
    if (this.lifecycle !== 'sealed' && this.lifecycle !== 'done') this.seal();
    return this.builder!.bytes();
  }

  /** The broker appended the batch at `baseOffset`. A second outcome is ignored. */
  complete(baseOffset: bigint, logAppendTimeMs: number): void {
    if (!this.finish()) return;
    this.baseOffsetValue = baseOffset;
    this.logAppendTimeMsValue = logAppendTimeMs;
    this.listener?.onBatchDone(this);
  }

  /**
   * The broker refused the batch as too large; its records go on in `parts` (splitBatch), which
   * report to this batch's listener from now on. The batch is done without an outcome of its own.
   */
  splitInto(parts: ProducerBatch[]): void {
    if (!this.finish()) return;
    for (let i = 0; i < parts.length; i++) parts[i].listener = this.listener;
    this.listener?.onBatchSplit?.(this, parts);
  }

  /** The batch will not be delivered: every record of it fails with `error`. A second outcome is ignored. */
  fail(error: Error): void {
    if (!this.finish()) return;
    this.errorValue = error;
    this.listener?.onBatchDone(this);
  }

  /**
   * Closed or sealed → done; false if it was done already (a batch finishes exactly once). An
   * open batch cannot finish: it has not left the accumulator.
   */
  private finish(): boolean {
    if (this.lifecycle === 'done') return false;
    if (this.lifecycle === 'open' || this.lifecycle === 'held') throw this.misuse('finish');
    this.lifecycle = 'done';
    return true;
  }

  private misuse(action: string): Error {
    return new Error(`ProducerBatch: cannot ${action} a batch that is ${this.lifecycle} (${this.topic}-${this.partition})`);
  }
}
