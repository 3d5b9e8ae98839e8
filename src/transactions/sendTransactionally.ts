import type { Logger } from 'pino';
import { concatMap, defer, from, Observable, of } from 'rxjs';
import type { RecordSource } from '../pipeline/pullSource';
import type { Ack } from '../types';
import type { Transactions } from './Transactions';

/** Produces one stream of records (of type R) on the transactional producer: its acks, one per record. */
export type Produce<R, M> = (records: RecordSource<R>) => Observable<Ack<M>>;

/** What `sendTransactionally` emits once per committed transaction. */
export interface TransactionResult<M = unknown> {
  /** Which inner stream (0 for the first) this transaction was. */
  transaction: number;
  /** One ack per record of the transaction, in the order they were acknowledged. */
  acks: Array<Ack<M>>;
}

/**
 * One transaction per inner stream, run one after the other (concatMap, as reactor-kafka's
 * sendTransactionally): begin → produce the inner stream's records → commit once it completes
 * and every record is acked → emit the transaction's acks. An inner stream that errors, a record
 * that fails, or a commit that is refused aborts the transaction, and the returned stream errors
 * with that error (the abort's own failure, if any, is only logged). Unsubscribing in the middle
 * of a transaction aborts it. initTransactions() is called first if it was not yet.
 *
 * The acks of a transaction are held until it commits: a transaction's size is bounded by memory.
 */
export function sendTransactionally<R, M>(
  produce: Produce<R, M>,
  txns: Transactions,
  transactions$: Observable<RecordSource<R>>,
  logger: Logger,
): Observable<TransactionResult<M>> {
  return defer(() => (txns.state === 'UNINITIALIZED' ? from(txns.initTransactions()) : of(undefined))).pipe(
    concatMap(() => transactions$),
    concatMap((records, index) => oneTransaction(produce, txns, records, index, logger)),
  );
}

function oneTransaction<R, M>(
  produce: Produce<R, M>,
  txns: Transactions,
  records: RecordSource<R>,
  index: number,
  logger: Logger,
): Observable<TransactionResult<M>> {
  return new Observable<TransactionResult<M>>((subscriber) => {
    // Until commit or abort settles, the transaction is ours to end (on unsubscribe: abort).
    let open = true;
    const acks: Array<Ack<M>> = [];
    const abortThenFail = (error: unknown): void => {
      txns.abortTransaction().then(
        () => {
          open = false;
          subscriber.error(error);
        },
        (abortError: unknown) => {
          open = false;
          logger.warn({ err: abortError }, 'the transaction could not be aborted');
          subscriber.error(error);
        },
      );
    };
    try {
      txns.beginTransaction();
    } catch (err) {
      open = false;
      subscriber.error(err);
      return undefined;
    }
    const acked = produce(records).subscribe({
      next: (ack) => acks.push(ack),
      error: abortThenFail,
      complete: () => {
        txns.commitTransaction().then(() => {
          open = false;
          subscriber.next({ transaction: index, acks });
          subscriber.complete();
        }, abortThenFail);
      },
    });
    return () => {
      acked.unsubscribe();
      if (open && (txns.state === 'IN_TRANSACTION' || txns.state === 'ABORTABLE_ERROR')) {
        txns.abortTransaction().catch((err: unknown) => logger.warn({ err }, 'the abandoned transaction could not be aborted'));
      }
    };
  });
}
