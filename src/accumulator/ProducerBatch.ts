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
 * The records of one stream for one topic-partition, encoded as one RecordBatch v2 (Java's
 * ProducerBatch). Records are written into the batch buffer as they are appended: the bytes on the
 * wire are produced once, and a retry resends the same bytes (with the same sequence numbers).
 *
 * Lifecycle: open (appending) → closed (queued in the sender) → in flight → done (acked or failed);
 * a retriable failure sends it back to the sender's queue, keeping its sequence.
 *
 * With a codec, the records are compressed once, when the batch is sealed: by `sealAsync()` on
 * libuv's thread pool, or else synchronously by the first `sizeInBytes` or `records()` after
 * close() (the sender's drain). Closing for appends and sealing are apart so that whoever hands
 * the batch to the sender may compress it off the event loop in between.
 */
export class ProducerBatch {
  /** Per record, in append order: the user's correlation value, returned on the ack untouched. */
  readonly metas: unknown[] = [];
  /** Per record: its timestamp (CreateTime), returned on the ack. */
  readonly timestamps: number[] = [];
  /** Send attempts so far; 0 until the first drain. */
  attempts = 0;
  /**
   * Position of the batch in its partition's send order, given at its first drain (-1 before).
   * Retries go back in this order, so they keep per-partition order with or without idempotence.
   */
  drainOrder = -1;
  /** First sequence number of the batch once the sender assigned one (idempotence), else -1. */
  baseSequence = -1;
  /** Producer id and epoch the sequence was assigned under. */
  producerId = -1n;
  producerEpoch = -1;
  /** Stamped as part of a transaction (the batch's transactional flag). */
  transactional = false;
  /** Not to be drained before this time (retry backoff). */
  retryAfterMs = 0;
  /** The last retriable error, reported if the batch finally expires. */
  lastError: Error | undefined;
  /** Outcome, set by complete()/fail(): the partition offset of the first record. */
  baseOffset = -1n;
  /** LogAppendTime when the topic uses it, else -1 (acks then carry the record's CreateTime). */
  logAppendTimeMs = -1;
  /** Set when the batch failed; every record of the batch fails with it. */
  error: Error | null = null;
  /** True once complete() or fail() ran: a batch finishes exactly once. */
  done = false;
  /** Who to tell when done; set by the send stage when it hands the batch to the sender. */
  listener: BatchListener | null = null;
  /** Closed: no more appends; the record-batch header is final. */
  closed = false;
  /** Lingered, but held open by the accumulator while its partition is busy in the sender. */
  held = false;
  /**
   * The stage that filled the batch, so that the send stage can make it hand over its other open
   * batches when the stream stops (stopOnError): accepted records are still sent, not dropped.
   */
  origin: { flush(): void } | null = null;

  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdMs: number,
    /** The batch's memory from the BufferPool; null for a batch that failed before it had any. */
    readonly buffer: Buffer | null,
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

  /** Compresses the records when the batch is sealed; null for none. */
  private codec: CompressionCodec | null = null;

  /** The codec its records are compressed with ('none' when uncompressed). */
  get compressionType(): CompressionCodec['name'] | 'none' {
    return this.codec === null ? 'none' : this.codec.name;
  }
  /** The record-batch bytes are final (compressed if there is a codec): set by seal(). */
  private sealed = false;

  /**
   * A batch of one record that failed before it could be appended (serializer threw, no partition,
   * too large, buffer exhausted): it travels to the send stage like any other so that the failure
   * is reported on that record's ack, in stream order.
   */
  static failed(topic: string, partition: number, nowMs: number, meta: unknown, timestamp: number, error: Error): ProducerBatch {
    const batch = new ProducerBatch(topic, partition, nowMs, null, null);
    batch.metas.push(meta);
    batch.timestamps.push(timestamp);
    batch.closed = true;
    batch.error = error;
    return batch;
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
    if (this.closed && !this.sealed) this.seal();
    return this.builder.sizeInBytes;
  }

  /** Closed, with records still to compress: sealAsync() would take the work off the event loop. */
  get needsCompression(): boolean {
    return this.closed && !this.sealed && this.codec !== null && this.builder !== null;
  }

  /** Compressing this batch would block the event loop long enough to do it on the thread pool (see BatchCompressor). */
  get compressesOffLoop(): boolean {
    return this.needsCompression && this.builder!.records.length >= this.codec!.offLoopMinBytes;
  }

  /** Uncompressed bytes of the records (0 for a failed batch); what a codec would have to compress. */
  get uncompressedRecordsBytes(): number {
    return this.builder === null || this.sealed ? 0 : this.builder.records.length;
  }

  /** Whether a record whose encoded size is at most `recordSizeUpperBound` still fits. */
  hasRoomFor(recordSizeUpperBound: number): boolean {
    return this.builder !== null && !this.closed && this.builder.hasRoomFor(recordSizeUpperBound);
  }

  /** Appends one record; the caller checked `hasRoomFor`. */
  append(
    timestamp: number,
    key: Buffer | null,
    value: Buffer | null,
    headers: RecordHeader[] | null,
    meta: unknown,
  ): void {
    this.builder!.append(timestamp, key, value, headers);
    this.metas.push(meta);
    this.timestamps.push(timestamp);
  }

  /** No more appends: the batch goes to the sender. Without a codec it is sealed at once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.codec === null) this.seal();
  }

  /**
   * Compresses the records on libuv's thread pool and seals the batch. Resolves once sealed (at
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
      this.sealed = true;
      this.builder!.close(null); // uncompressed
      throw err;
    }
    // sizeInBytes or records() may have sealed it synchronously meanwhile.
    if (!this.sealed) {
      this.sealed = true;
      this.builder!.close(compressed);
    }
  }

  private seal(): void {
    this.sealed = true;
    this.builder!.close();
  }

  /**
   * Stamps the producer id, epoch and base sequence (idempotence) and recomputes the CRC. Called
   * at the first drain, and again if the epoch is bumped while the batch waits to be retried.
   */
  setProducerState(producerId: bigint, producerEpoch: number, baseSequence: number, transactional: boolean): void {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.baseSequence = baseSequence;
    this.transactional = transactional;
    this.builder!.setProducerState(producerId, producerEpoch, baseSequence, transactional);
  }

  /** The encoded RecordBatch, as sent in a Produce request (sealing it, if that is still to do). */
  records(): Buffer {
    if (!this.sealed) {
      this.closed = true;
      this.seal();
    }
    return this.builder!.bytes();
  }

  /** The broker appended the batch at `baseOffset`. */
  complete(baseOffset: bigint, logAppendTimeMs: number): void {
    if (this.done) return;
    this.done = true;
    this.baseOffset = baseOffset;
    this.logAppendTimeMs = logAppendTimeMs;
    this.listener?.onBatchDone(this);
  }

  /**
   * The broker refused the batch as too large; its records go on in `parts` (splitBatch), which
   * report to this batch's listener from now on. The batch is done without an outcome of its own.
   */
  splitInto(parts: ProducerBatch[]): void {
    if (this.done) return;
    this.done = true;
    for (let i = 0; i < parts.length; i++) parts[i].listener = this.listener;
    this.listener?.onBatchSplit?.(this, parts);
  }

  /** The batch will not be delivered: every record of it fails with `error`. */
  fail(error: Error): void {
    if (this.done) return;
    this.done = true;
    this.error = error;
    this.listener?.onBatchDone(this);
  }
}
