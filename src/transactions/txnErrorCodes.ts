import { ErrorCode } from '../protocol/errorCodes';
import type { TxnPartitionsResponse } from '../protocol/txnMessages';

/*
 * How the transactional producer classifies coordinator error codes (Java's TransactionManager
 * handlers): fenced and fatal codes end the producer's transactions; the other non-retriable
 * codes make only the current transaction abortable.
 */

/** Codes with which a coordinator says another producer owns the transactional id now. */
export function isFenced(code: number): boolean {
  return code === ErrorCode.PRODUCER_FENCED || code === ErrorCode.INVALID_PRODUCER_EPOCH || code === ErrorCode.TRANSACTION_COORDINATOR_FENCED;
}

/** Codes no transaction can get past (Java's fatal errors besides fencing). */
const FATAL_CODES: ReadonlySet<number> = new Set([
  ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
  ErrorCode.INVALID_PRODUCER_ID_MAPPING,
  ErrorCode.INVALID_TRANSACTION_TIMEOUT,
  ErrorCode.UNSUPPORTED_VERSION,
  ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
]);

/** Whether the code is one no transaction can get past. */
export function isFatal(code: number): boolean {
  return FATAL_CODES.has(code);
}

/** The first non-zero code of a per-partition response (they share the coordinator-level codes). */
export function firstPartitionError(res: TxnPartitionsResponse): number {
  for (const topic of res.topics) for (const p of topic.partitions) if (p.errorCode !== ErrorCode.NONE) return p.errorCode;
  return ErrorCode.NONE;
}
