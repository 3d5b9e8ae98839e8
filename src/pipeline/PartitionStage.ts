import type { OperatorFunction } from 'rxjs';
import type { TopicInfo } from '../cluster/Cluster';
import { Fifo } from '../collections/Fifo';
import { asError, AuthenticationError, MetadataTimeoutError } from '../errors';
import { choosePartition } from '../partitioners';
import type { SerializedRecord } from '../types';
import { holdingStage } from './holdingStage';
import type { PipelineHost } from './PipelineHost';

/** What the partition stage takes from its producer. */
export type PartitionStageHost = Pick<PipelineHost, 'cluster' | 'config' | 'backlog' | 'stickyPartitioner'>;

/**
 * The `partition` stage of one stream: gives each record its partition — explicit, else the user's
 * partitioner, else murmur2(key) as Java does, else the uniform sticky partition (KIP-794).
 *
 * It needs the topic's partition count. While a topic's metadata is unknown, records wait here in
 * arrival order (like Java's send() blocking on metadata, up to `maxBlockMs`); records behind them
 * wait too, so that no record overtakes another of the same stream. A topic that gets no metadata
 * within maxBlockMs fails its waiting records with MetadataTimeoutError.
 */
export class PartitionStage {
  /** Records waiting for metadata, oldest first; invariant: empty or headed by an unknown topic. */
  private readonly queue = new Fifo<SerializedRecord>();
  /** The topic whose metadata is being awaited, or null. */
  private awaiting: string | null = null;
  /** Set while a drain passes records on: the topic that got no metadata, and why. */
  private failedTopic: string | null = null;
  private failure: Error | null = null;
  private disposed = false;

  constructor(
    private readonly host: PartitionStageHost,
    private readonly emit: (record: SerializedRecord) => void,
    /** Called when the queue becomes empty (the stage may complete then). */
    private readonly onDrained: () => void,
  ) {}

  get waitingCount(): number {
    return this.queue.size;
  }

  push(record: SerializedRecord): void {
    if (this.waitingCount === 0) {
      if (record.error === null && this.failure === null) {
        // The common case: the topic's metadata is known. One lookup, where canGo and then
        // assignAndEmit made two per record.
        const info = this.host.cluster.topic(record.topic);
        if (info !== undefined && info.partitions.length > 0) {
          this.partitionWith(record, info);
          this.emit(record);
          return;
        }
      } else if (this.canGo(record)) {
        this.assignAndEmit(record);
        return;
      }
    }
    this.queue.push(record);
    this.host.backlog.add(1);
    if (this.awaiting === null) this.awaitTopic(record.topic);
  }

  dispose(): void {
    this.disposed = true;
    if (this.waitingCount > 0) this.host.backlog.add(-this.waitingCount);
    this.queue.clear();
  }

  /** Whether the record can go on now: it failed already, or its topic's partitions are known. */
  private canGo(record: SerializedRecord): boolean {
    if (record.error !== null) return true;
    if (this.failure !== null && record.topic === this.failedTopic) return true;
    const info = this.host.cluster.topic(record.topic);
    return info !== undefined && info.partitions.length > 0;
  }

  private assignAndEmit(record: SerializedRecord): void {
    if (record.error === null) {
      if (this.failure !== null && record.topic === this.failedTopic) record.error = this.failure;
      else this.partitionWith(record, this.host.cluster.topic(record.topic)!);
    }
    this.emit(record);
  }

  private partitionWith(record: SerializedRecord, info: TopicInfo): void {
    const config = this.host.config;
    try {
      record.partition = choosePartition(record, info, config.partitioner, this.host.stickyPartitioner(record.topic), config.batchSize);
    } catch (err) {
      record.error = asError(err);
    }
  }

  private awaitTopic(topic: string): void {
    this.awaiting = topic;
    const maxBlockMs = this.host.config.maxBlockMs;
    this.host.cluster.waitForTopic(topic, maxBlockMs).then(
      () => this.drain(null),
      // An authentication failure is not a wait that ran out: the records get it as it is.
      (err: unknown) => this.drain(err instanceof AuthenticationError ? err : new MetadataTimeoutError(topic, maxBlockMs, err)),
    );
  }

  /**
   * Metadata for the awaited topic arrived (or never will: `failure`): the records at the head that
   * can go now go, in order — those of the failed topic failing — up to the next unknown topic.
   */
  private drain(failure: Error | null): void {
    this.failedTopic = this.awaiting;
    this.failure = failure;
    this.awaiting = null;
    if (this.disposed) return;
    let n = 0;
    while (n < this.queue.size && this.canGo(this.queue.at(n)!)) n++;
    if (n > 0) {
      // Taken out before they are emitted, so that a dispose() meanwhile does not count them again
      // (a drain is rare: one array per drain, none per record).
      const ready = this.queue.take(n);
      // Records the next stage holds in turn (waiting for memory) stay in the producer's backlog.
      this.host.backlog.release(n, () => {
        for (let i = 0; i < ready.length && !this.disposed; i++) this.assignAndEmit(ready[i]);
      });
    }
    this.failure = null;
    this.failedTopic = null;
    if (this.disposed) return;
    if (this.waitingCount > 0) {
      this.awaitTopic(this.queue.peek()!.topic);
      return;
    }
    this.onDrained();
  }
}

/** The partition stage as an operator; completion waits for records still waiting on metadata. */
export function partitionStage<M>(host: PartitionStageHost): OperatorFunction<SerializedRecord<M>, SerializedRecord<M>> {
  return holdingStage<SerializedRecord<M>, SerializedRecord<M>>(
    (emit, onEmpty) => new PartitionStage(host, (record) => emit(record as SerializedRecord<M>), onEmpty),
  );
}
