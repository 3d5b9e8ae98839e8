/**
 * What a RecordBatch v2 needs from a compression codec. In a v2 batch the records section (every
 * byte after the 61-byte header) is compressed as one unit, the codec's id goes into attributes
 * bits 0–2, and the CRC covers the compressed bytes. Each codec writes the framing the Java
 * producer writes for it, so that every Kafka reader takes it (see the codec files).
 */

/** Kafka's compression.type values. */
export type CompressionType = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** The codecs that compress (all but 'none'). */
export type CodecName = Exclude<CompressionType, 'none'>;

/** Attribute ids of the codecs (RecordBatch attributes bits 0–2). */
export const CODEC_IDS: Readonly<Record<CompressionType, number>> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

export interface CompressionCodec {
  /** Kafka's name for it (compression.type). */
  readonly name: CodecName;
  /** Its id in a batch's attributes. */
  readonly id: number;
  /** Compresses a batch's records section on the calling thread; returns a new Buffer. */
  compressSync(records: Buffer): Buffer;
  /**
   * The same bytes as compressSync, computed off the event loop (libuv's thread pool; zstd's own
   * worker threads) so that the loop stays free. `records` must not change until the promise settles.
   */
  compress(records: Buffer): Promise<Buffer>;
  /**
   * From how many uncompressed bytes a batch is worth compressing on the thread pool rather than
   * on the event loop (measured: test/compression/measureBlocking.ts) — below it, compressing
   * costs less than a millisecond or so and handing it over would cost about as much.
   */
  readonly offLoopMinBytes: number;
  /** Decompresses what any Kafka producer wrote with this codec (the decoder and tests use it). */
  decompressSync(data: Buffer): Buffer;
  /**
   * For a codec with resources of its own (zstd's worker threads): a producer holds them from its
   * creation to its close, so that they are not started and stopped per batch; returns the release.
   * Absent for codecs that use libuv's thread pool.
   */
  retain?(): () => void;
}
