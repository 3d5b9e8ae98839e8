/**
 * One partition's idempotence state (Java's TxnPartitionEntry, kept by TransactionManager's
 * TxnPartitionMap): the producer id and epoch its sequences currently run under, and the next
 * sequence to assign.
 *
 * A partition keeps running under an older id/epoch after the producer's epoch was bumped for
 * another partition, until its batches stamped under the old one have settled: resending those
 * with their old sequences is what lets the broker recognise a retry of a batch it already has.
 * Only then does the partition restart at sequence 0 under the current epoch.
 */
export interface PartitionSequences {
  producerId: bigint;
  producerEpoch: number;
  nextSequence: number;
  /**
   * A sequenced batch of this partition was lost (failed or expired), or the broker refused one
   * of our sequences: the partition's unsettled batches must restart at 0 under a newer epoch
   * (KIP-360) once none of them is in flight.
   */
  resetNeeded: boolean;
  /**
   * The broker acknowledged a batch of this partition under `producerId`/`producerEpoch`: it now
   * knows our producer here and refuses a sequence that does not follow. Until then it would take
   * any, so the partition has one batch in flight at a time (sequenceReset's mustWaitForFirstAck).
   */
  confirmed: boolean;
}

export function newPartitionSequences(): PartitionSequences {
  return { producerId: -1n, producerEpoch: -1, nextSequence: 0, resetNeeded: false, confirmed: false };
}
