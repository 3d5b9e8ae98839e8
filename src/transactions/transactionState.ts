/**
 * The states of a transactional producer (Java's TransactionManager.State):
 *
 *   UNINITIALIZED ──initTransactions──▶ INITIALIZING ──▶ READY ──beginTransaction──▶ IN_TRANSACTION
 *   IN_TRANSACTION ──commitTransaction──▶ COMMITTING ──▶ READY
 *   IN_TRANSACTION | ABORTABLE_ERROR ──abortTransaction──▶ ABORTING ──▶ READY (via INITIALIZING when
 *                                                                    the epoch must be bumped)
 *   IN_TRANSACTION | COMMITTING ──a record or request failed──▶ ABORTABLE_ERROR
 *   any ──fenced, unauthorized, or an abort that failed──▶ FATAL_ERROR (final)
 */
export type TransactionState =
  | 'UNINITIALIZED'
  | 'INITIALIZING'
  | 'READY'
  | 'IN_TRANSACTION'
  | 'COMMITTING'
  | 'ABORTING'
  | 'ABORTABLE_ERROR'
  | 'FATAL_ERROR';

/** The states each state may move to (FATAL_ERROR is reachable from all but itself). */
const NEXT: Record<TransactionState, readonly TransactionState[]> = {
  UNINITIALIZED: ['INITIALIZING'],
  INITIALIZING: ['READY', 'UNINITIALIZED'],
  READY: ['IN_TRANSACTION'],
  IN_TRANSACTION: ['COMMITTING', 'ABORTING', 'ABORTABLE_ERROR'],
  COMMITTING: ['READY', 'ABORTABLE_ERROR'],
  ABORTING: ['READY', 'INITIALIZING', 'ABORTABLE_ERROR'],
  ABORTABLE_ERROR: ['ABORTING', 'ABORTABLE_ERROR'],
  FATAL_ERROR: [],
};

export function canTransition(from: TransactionState, to: TransactionState): boolean {
  return to === 'FATAL_ERROR' ? from !== 'FATAL_ERROR' : NEXT[from].includes(to);
}

/** What to call in each state, for the message of a call refused in it. */
export const WHAT_TO_DO: Record<TransactionState, string> = {
  UNINITIALIZED: 'call initTransactions() first',
  INITIALIZING: 'wait for initTransactions() to finish',
  READY: 'call beginTransaction() first',
  IN_TRANSACTION: 'commit or abort the current transaction first',
  COMMITTING: 'wait for commitTransaction() to finish',
  ABORTING: 'wait for abortTransaction() to finish',
  ABORTABLE_ERROR: 'call abortTransaction(): the transaction cannot commit',
  FATAL_ERROR: 'close the producer: it can run no more transactions',
};
