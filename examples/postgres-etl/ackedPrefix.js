'use strict';
/**
 * The contiguous acked prefix of a stream of source positions.
 *
 * Rows are sent in position order, but their acks come back in the order the brokers answer:
 * in order within a partition, in any order across partitions. A position is safe to checkpoint
 * only when its record and every record read before it are acked, so the safe position is the
 * last one of the longest acked run from the start. Positions need not be contiguous numbers
 * (a table's ids have gaps), so the order they were read in is kept, not guessed.
 *
 * Memory: one slot per record read and not yet behind the safe position — at most what the
 * producer holds unacked (bounded by its bufferMemory), not the size of the table.
 *
 *   const prefix = new AckedPrefix(checkpoint);
 *   prefix.read(row.id);          // in the order the rows are given to the producer
 *   prefix.acked(ack.meta);       // in any order
 *   prefix.position;              // every position up to here is acked
 */
class AckedPrefix {
  /** @param {number} start the position already checkpointed (everything up to it is done) */
  constructor(start) {
    /** Every record read up to and including this position is acked. */
    this.position = start;
    /** Positions read and not yet behind `position`, in read order, from index `head`. */
    this.pending = [];
    this.head = 0;
    /** Acked positions still behind an unacked one (each is in pending[head..]). */
    this.ackedAhead = new Set();
  }

  /** A record with this position was given to the producer (call in read order). */
  read(position) {
    this.pending.push(position);
  }

  /** The record at `position` is acked; returns the safe position (advanced when it can be). */
  acked(position) {
    if (this.pending[this.head] !== position) {
      this.ackedAhead.add(position);
      return this.position;
    }
    this.head++;
    while (this.head < this.pending.length && this.ackedAhead.delete(this.pending[this.head])) this.head++;
    this.position = this.pending[this.head - 1];
    // Drop the consumed front now and then, not per ack: splice is O(length).
    if (this.head >= 4096 && this.head * 2 >= this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    return this.position;
  }
}

module.exports = { AckedPrefix };
