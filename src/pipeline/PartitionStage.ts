import type { Cluster, TopicInfo } from '../cluster/Cluster';
import { asError, AuthenticationError, MetadataTimeoutError } from '../errors';
import { choosePartition, Partitioner } from '../partitioners';
import type { BuiltInPartitioner } from '../partitioners/BuiltInPartitioner';
import type { SerializedRecord } from '../types';

/** What the partition stage needs from the producer. */
export interface PartitionHost {
  readonly cluster: Cluster;
  readonly config: { maxBlockMs: number; batchSize: number; partitioner?: Partitioner };
  stickyPartitioner(topic: string): BuiltInPartitioner;
  addBacklog(n: number): void;
  releaseBacklog(n: number, movedOn: number): void;
  /** Records ever held by a stage: compared around an emit, how many the next stage held. */
  readonly heldTotal: number;
}

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
  private readonly queue: SerializedRecord[] = [];
  private queueHead = 0;
  /** The topic whose metadata is being awaited, or null. */
  private awaiting: string | null = null;
  private disposed = false;

  constructor(
    private readonly host: PartitionHost,
    private readonly emit: (record: SerializedRecord) => void,
    /** Called when the queue becomes empty (the stage may complete then). */
    private readonly onDrained: () => void,
  ) {}

  get waitingCount(): number {
    return this.queue.length - this.queueHead;
  }

  push(record: SerializedRecord): void {
    if (this.waitingCount > 0 || !this.assign(record)) {
      this.queue.push(record);
      this.host.addBacklog(1);
      if (this.awaiting === null) this.awaitTopic(record.topic);
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.waitingCount > 0) this.host.addBacklog(-this.waitingCount);
    this.queue.length = 0;
    this.queueHead = 0;
  }

  /** Partitions and emits the record; false when its topic's metadata is not known yet. */
  private assign(record: SerializedRecord): boolean {
    if (record.error !== null) {
      this.emit(record);
      return true;
    }
    const info = this.host.cluster.topic(record.topic);
    if (info === undefined || info.partitions.length === 0) return false;
    this.partitionWith(record, info);
    this.emit(record);
    return true;
  }

  private partitionWith(record: SerializedRecord, info: TopicInfo): void {
    try {
      record.partition = choosePartition(
        record,
        info,
        this.host.config.partitioner,
        this.host.stickyPartitioner(record.topic),
        this.host.config.batchSize,
      );
    } catch (err) {
      record.error = asError(err);
    }
  }

  private awaitTopic(topic: string): void {
    this.awaiting = topic;
    this.host.cluster.waitForTopic(topic, this.host.config.maxBlockMs).then(
      () => this.drain(null),
      // An authentication failure is not a wait that ran out: the records get it as it is.
      (err: unknown) =>
        this.drain(err instanceof AuthenticationError ? err : new MetadataTimeoutError(topic, this.host.config.maxBlockMs, err)),
    );
  }

  /** Metadata for the awaited topic arrived (or never will: `failure`): release what can go. */
  private drain(failure: Error | null): void {
    const failedTopic = this.awaiting;
    this.awaiting = null;
    if (this.disposed) return;
    while (this.waitingCount > 0) {
      const record = this.queue[this.queueHead];
      const heldBefore = this.host.heldTotal;
      if (failure !== null && record.topic === failedTopic && record.error === null) {
        record.error = failure;
        this.emit(record);
      } else if (!this.assign(record)) {
        this.awaitTopic(record.topic);
        return;
      }
      this.queue[this.queueHead] = undefined as unknown as SerializedRecord;
      this.queueHead++;
      this.host.releaseBacklog(1, this.host.heldTotal - heldBefore);
      if (this.disposed) return;
    }
    this.queue.length = 0;
    this.queueHead = 0;
    this.onDrained();
  }
}
