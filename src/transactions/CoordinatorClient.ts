import type { Logger } from 'pino';
import type { SchedulerLike } from 'rxjs';
import type { Cluster } from '../cluster/Cluster';
import { ProducerClosedError, RxKafkaError, TransactionTimeoutError } from '../errors';
import type { ExponentialBackoff } from '../network/Backoff';
import type { Connection } from '../network/Connection';
import type { Api } from '../protocol/api';
import { ErrorCode, kafkaError } from '../protocol/errorCodes';
import { FindCoordinator } from '../protocol/FindCoordinator';

/** What a coordinator request's caller makes of the response: done, or the error code to act on. */
export type ErrorCodeOf<Res> = (response: Res) => number;

/** Errors after which the coordinator must be looked up again (Java's lookupCoordinator cases). */
function coordinatorMoved(code: number): boolean {
  return code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE;
}

/** Errors after which the same request is simply sent again, after a backoff. */
function retryLater(code: number): boolean {
  return code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || code === ErrorCode.CONCURRENT_TRANSACTIONS;
}

/**
 * Requests to coordinators (Java's TransactionManager request handlers, their retry half): finds the
 * coordinator of a key (a transactional id, key type 1, or a consumer group, key type 0) with
 * FindCoordinator, remembers it, and sends requests there, retrying — with the retry backoff, up to
 * a deadline — what Java retries: COORDINATOR_LOAD_IN_PROGRESS and CONCURRENT_TRANSACTIONS as they
 * are, NOT_COORDINATOR and COORDINATOR_NOT_AVAILABLE after a new lookup, and lost connections.
 * Every other code is the caller's to classify (fenced, abortable, fatal).
 */
export class CoordinatorClient {
  /** Coordinators found, by `${keyType}:${key}`; an entry is dropped when the coordinator moves. */
  private readonly coordinators = new Map<string, { nodeId: number; host: string; port: number }>();
  /** Set by close(): a request under way stops at its next step. */
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly retryBackoff: ExponentialBackoff,
    private readonly logger: Logger,
    /** Clock and timers for the backoff and deadlines (virtual time in tests). */
    private readonly scheduler: SchedulerLike,
  ) {}

  close(): void {
    this.closed = true;
  }

  /** The clock coordinator deadlines run on (the scheduler's: virtual time in tests). */
  now(): number {
    return this.scheduler.now();
  }

  /**
   * Sends `req` to the coordinator of `key` and resolves with the response whose `errorCodeOf` is
   * not a coordinator or retry code (NONE included: the caller checks). Rejects with a
   * TransactionTimeoutError naming `operation` when `deadlineMs` passes first.
   */
  async send<Req, Res>(
    operation: string,
    keyType: number,
    key: string,
    api: Api<Req, Res>,
    req: Req,
    errorCodeOf: ErrorCodeOf<Res>,
    timeoutMs: number,
  ): Promise<Res> {
    const startMs = this.scheduler.now();
    let lastError: Error | undefined;
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new ProducerClosedError(`the producer was closed during ${operation}`);
      if (attempt > 0) {
        const waitMs = this.retryBackoff.backoff(attempt - 1);
        if (this.scheduler.now() + waitMs - startMs >= timeoutMs) throw new TransactionTimeoutError(operation, timeoutMs, lastError);
        await this.delay(waitMs);
      }
      let res: Res;
      try {
        const conn = await this.coordinator(keyType, key);
        res = await conn.send(api, req);
      } catch (err) {
        if (!(err instanceof RxKafkaError && err.retriable)) throw err;
        this.coordinators.delete(keyType + ':' + key);
        lastError = err;
        this.logger.debug({ err, operation, attempt }, 'coordinator request failed; retrying');
        continue;
      }
      const code = errorCodeOf(res);
      if (!coordinatorMoved(code) && !retryLater(code)) return res;
      if (coordinatorMoved(code)) this.coordinators.delete(keyType + ':' + key);
      lastError = kafkaError(code, operation);
      this.logger.debug({ code, operation, attempt }, 'coordinator busy or moved; retrying');
    }
  }

  /** The coordinator's connection: remembered, or found with FindCoordinator on any broker. */
  private async coordinator(keyType: number, key: string): Promise<Connection> {
    const known = this.coordinators.get(keyType + ':' + key);
    if (known !== undefined) return this.cluster.connectionTo(known);
    const any = await this.cluster.leastLoadedConnection();
    const res = await any.send(FindCoordinator, { key, keyType });
    if (res.errorCode !== ErrorCode.NONE) {
      // COORDINATOR_NOT_AVAILABLE (retriable) while the coordinator loads; authorization errors are not.
      throw kafkaError(res.errorCode, res.errorMessage ?? `FindCoordinator for '${key}'`);
    }
    const node = { nodeId: res.nodeId, host: res.host, port: res.port };
    this.coordinators.set(keyType + ':' + key, node);
    this.logger.debug({ keyType, key, nodeId: node.nodeId }, 'coordinator found');
    return this.cluster.connectionTo(node);
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => this.scheduler.schedule(() => resolve(), ms));
  }
}
