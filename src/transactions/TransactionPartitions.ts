import type { AddPartitionsToTxnResponse, AddPartitionsToTxnTopic } from '../protocol/AddPartitionsToTxn';
import { ErrorCode, isRetriable } from '../protocol/errorCodes';

/** What the partitions' bookkeeping needs from the transaction (Transactions gives it). */
export interface TransactionPartitionsHost {
  /** Sends AddPartitionsToTxn for these partitions to the transaction coordinator, under the current producer id and epoch. */
  addPartitionsToTxn(topics: AddPartitionsToTxnTopic[]): Promise<AddPartitionsToTxnResponse>;
  /** A partition joined the transaction: ending it now needs EndTxn. */
  onPartitionAdded(): void;
  /** The coordinator refused a partition with a code that asking again will not change. */
  onPartitionRefused(code: number, what: string): void;
  /** The exchange got no answer (or a fatal one): the transaction cannot commit. */
  onAddFailed(err: unknown): void;
  /** The exchange is over: the sender may drain the partitions added, or fail the batches waiting. */
  onAddDone(): void;
}

/**
 * The partitions of the current transaction (Java's TransactionManager: partitionsInTransaction,
 * newPartitionsInTransaction and its AddPartitionsHandler). A partition's first batch waits until
 * the coordinator has the partition in the transaction, so that the commit or abort marker is
 * written there too. The sender finds the partitions missing on its pass (`isAdded`); all of one
 * pass go in one AddPartitionsToTxn (`sendPending`), and at most one is under way.
 */
export class TransactionPartitions {
  /** Partitions the coordinator has in the current transaction (`topic\0partition`). */
  private readonly added = new Set<string>();
  /** Partitions the sender found without a place in the transaction; sent with the next AddPartitionsToTxn. */
  private readonly pending = new Map<string, { topic: string; partition: number }>();
  /** The AddPartitionsToTxn exchange under way, if any (at most one). */
  private adding: Promise<void> | null = null;

  constructor(private readonly host: TransactionPartitionsHost) {}

  /** Whether the partition is in the transaction; if not, it is queued for the next AddPartitionsToTxn. */
  isAdded(topic: string, partition: number, tpKey: string): boolean {
    if (this.added.has(tpKey)) return true;
    if (!this.pending.has(tpKey)) this.pending.set(tpKey, { topic, partition });
    return false;
  }

  /** Sends AddPartitionsToTxn for the queued partitions unless one is under way; the host hears when it is over. */
  sendPending(): void {
    if (this.adding !== null || this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    this.adding = this.addPartitions(batch).finally(() => {
      this.adding = null;
      this.host.onAddDone();
    });
  }

  /**
   * The AddPartitionsToTxn under way, or null. EndTxn waits for it (an abort does not wait for the
   * batches it was for): its partitions belong to this transaction, not to the next.
   */
  inFlight(): Promise<void> | null {
    return this.adding;
  }

  /** The transaction ended: the next one starts with no partitions. */
  clear(): void {
    this.added.clear();
    this.pending.clear();
  }

  private async addPartitions(batch: Array<{ topic: string; partition: number }>): Promise<void> {
    const byTopic = new Map<string, number[]>();
    for (const tp of batch) {
      const list = byTopic.get(tp.topic) ?? [];
      list.push(tp.partition);
      byTopic.set(tp.topic, list);
    }
    try {
      const res = await this.host.addPartitionsToTxn([...byTopic].map(([name, partitions]) => ({ name, partitions })));
      for (const topic of res.topics) {
        for (const p of topic.partitions) {
          const tpKey = topic.name + '\0' + p.partitionIndex;
          if (p.errorCode === ErrorCode.NONE) {
            this.added.add(tpKey);
            this.host.onPartitionAdded();
          } else if (isRetriable(p.errorCode) || p.errorCode === ErrorCode.OPERATION_NOT_ATTEMPTED) {
            // Asked again on the sender's next pass (OPERATION_NOT_ATTEMPTED: another partition failed).
            this.pending.set(tpKey, { topic: topic.name, partition: p.partitionIndex });
          } else {
            this.host.onPartitionRefused(p.errorCode, `AddPartitionsToTxn for ${topic.name}-${p.partitionIndex}`);
          }
        }
      }
    } catch (err) {
      this.host.onAddFailed(err);
    }
  }
}
