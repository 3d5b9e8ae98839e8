import type { BufferPool } from '../accumulator/BufferPool';
import type { ProducerBatch } from '../accumulator/ProducerBatch';
import type { RecordAccumulator } from '../accumulator/RecordAccumulator';
import type { Cluster } from '../cluster/Cluster';
import type { ResolvedConfig } from '../config/config';
import type { ProducerMetrics } from '../metrics/ProducerMetrics';
import type { BuiltInPartitioner } from '../partitioners/BuiltInPartitioner';
import type { Time } from '../time/Time';
import type { Interceptors } from './Interceptors';
import type { PipelineBacklog } from './PipelineBacklog';

/**
 * Where the batches of every stream go, and what the producer's flush() and close() wait for (the
 * producer's side of the stages; Java's `RecordAccumulator.incomplete` + `Sender`). Each batch given
 * to `enqueue` comes back exactly once, by `release` or, split, by `split` for its parts.
 */
export interface BatchSink {
  /** Hands a closed batch to the compressor and the sender. */
  enqueue(batch: ProducerBatch): void;
  /** A batch handed over by `enqueue` is done: its memory goes back to the pool. */
  release(batch: ProducerBatch): void;
  /** A batch that was never handed over (its stream stopped) gives its memory back. */
  discard(batch: ProducerBatch): void;
  /** A batch handed over by `enqueue` was split (MESSAGE_TOO_LARGE): `parts`, already in the sender, stand for it. */
  split(batch: ProducerBatch, parts: ProducerBatch[]): void;
  /** An accumulate stage starts: flush() and close() reach its open batches. Returns its unregistration. */
  register(accumulator: RecordAccumulator): () => void;
  /** True while a flush() is in progress: new batches do not linger. */
  readonly flushing: boolean;
  /** Whether the sender holds a closed, unsent batch of the partition (a lingered batch of it then stays open). */
  partitionBusy(topic: string, partition: number): boolean;
  /** Whether no batch of the partition is handed over and not yet done (see RecordAccumulator's sendWhenIdle). */
  partitionIdle(topic: string, partition: number): boolean;
}

/**
 * Everything the stages of a stream (serialize → partition → accumulate → send) take from the
 * producer they feed, as one object the producer builds once. The stages never see the Producer
 * itself, and the producer never sees the stages: it only counts what they hold (`backlog`) and
 * what they hand over (`batches`).
 */
export interface PipelineHost {
  readonly config: ResolvedConfig;
  readonly time: Time;
  /** Metadata: partition counts, waits for unknown topics. */
  readonly cluster: Cluster;
  /** The shared `bufferMemory`. */
  readonly pool: BufferPool;
  /** Records the stages hold back, across every stream (pulled sources, ready$, flush()). */
  readonly backlog: PipelineBacklog;
  readonly batches: BatchSink;
  /** onSend / onAcknowledgement hooks; null when none are configured (no per-record cost). */
  readonly interceptors: Interceptors | null;
  /** Failed records are counted here. */
  readonly metrics: ProducerMetrics;
  /** The keyless partitioning state of a topic (KIP-794), shared by every stream. */
  stickyPartitioner(topic: string): BuiltInPartitioner;
}
