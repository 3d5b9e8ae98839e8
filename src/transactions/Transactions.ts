import type { Logger } from 'pino';
import { asError, KafkaProtocolError, ProducerFencedError, RxKafkaError, TransactionAbortableError, TransactionAbortedError, TransactionStateError, TransactionTimeoutError } from '../errors';
import { AddOffsetsToTxn } from '../protocol/AddOffsetsToTxn';
import { AddPartitionsToTxn } from '../protocol/AddPartitionsToTxn';
import { EndTxn } from '../protocol/EndTxn';
import { ErrorCode, errorName, kafkaError } from '../protocol/errorCodes';
import { CoordinatorType } from '../protocol/FindCoordinator';
import { InitProducerId } from '../protocol/InitProducerId';
import { TxnOffsetCommit } from '../protocol/TxnOffsetCommit';
import type { CoordinatorClient } from './CoordinatorClient';
import { type ConsumerGroupMetadata, type OffsetToCommit, txnOffsetCommitRequest } from './sendOffsets';
import type { IdempotenceManager } from '../idempotence/IdempotenceManager';
import { TransactionPartitions } from './TransactionPartitions';
import { canTransition, type TransactionState, WHAT_TO_DO } from './transactionState';
import { firstPartitionError, isFatal, isFenced } from './txnErrorCodes';

/** What the transaction layer needs from the producer. */
export interface TransactionsHost {
  /** Sends every open batch now; resolves once every record given so far is acked or failed. */
  flush(): Promise<void>;
  /** Wakes the sender (partitions were added to the transaction, or queued batches must fail). */
  wakeup(): void;
}

/** Settings of the transactional producer. */
export interface TransactionsConfig {
  transactionalId: string;
  transactionTimeoutMs: number;
  /** Bound of initTransactions, commitTransaction, abortTransaction, sendOffsetsToTransaction (Java's max.block.ms). */
  maxBlockMs: number;
  /** Bound of one AddPartitionsToTxn exchange: the batches waiting for it expire by then anyway. */
  deliveryTimeoutMs: number;
}

/**
 * The transactional half of Java's TransactionManager: the state machine (transactionState.ts),
 * the partitions of the current transaction (TransactionPartitions.ts), and the coordinator
 * exchanges — InitProducerId with the transactional id, AddPartitionsToTxn before a partition's
 * first batch, EndTxn. Sequences,
 * producer id and epoch stay with the idempotent half (IdempotenceManager), which this one
 * updates after InitProducerId.
 *
 * The sender asks three things of it on every pass: whether queued batches must fail instead of
 * going out (`undrainableError`), whether a partition is in the transaction yet (`isPartitionAdded`,
 * which also queues it for the next AddPartitionsToTxn), and to send that request
 * (`addPendingPartitions`): all the new partitions of one pass go in one request, as Java's do.
 */
export class Transactions {
  /** Invariant: changes only through transition(); FATAL_ERROR is final. */
  state: TransactionState = 'UNINITIALIZED';
  /** Why the state is ABORTABLE_ERROR or FATAL_ERROR; null otherwise. */
  lastError: Error | null = null;
  /** The partitions of the current transaction, and the AddPartitionsToTxn exchange. */
  private readonly partitions: TransactionPartitions;
  /** Something (a partition, offsets) was added to the transaction: EndTxn is needed to end it. */
  private transactionStarted = false;
  /**
   * When the current transaction started at the coordinator, as near as we know (its first
   * AddPartitionsToTxn or AddOffsetsToTxn was sent; the coordinator's clock starts on receipt);
   * -1 while nothing was added. Tells a fence for age (the coordinator aborts a transaction older
   * than transactionTimeoutMs and bumps the epoch, KIP-588) from a fence by another producer.
   */
  private transactionStartMs = -1;
  /** A sequenced batch was lost in this transaction: the abort must bump the epoch (sequences restart). */
  private epochBumpRequired = false;
  /** The call under way (init, commit, abort), shared by a caller who repeats it meanwhile. */
  private pendingCall: Promise<void> | null = null;

  constructor(
    private readonly config: TransactionsConfig,
    private readonly idempotence: IdempotenceManager,
    private readonly coordinators: CoordinatorClient,
    private readonly host: TransactionsHost,
    private readonly logger: Logger,
  ) {
    this.partitions = new TransactionPartitions({
      addPartitionsToTxn: (topics) => {
        const { producerId, producerEpoch } = this.idempotence;
        this.markStarted();
        const request = { transactionalId: this.config.transactionalId, producerId, producerEpoch, topics };
        return this.coordinators.send('AddPartitionsToTxn', CoordinatorType.TRANSACTION, this.config.transactionalId, AddPartitionsToTxn, request, firstPartitionError, this.config.deliveryTimeoutMs);
      },
      onPartitionAdded: () => {
        this.transactionStarted = true;
      },
      onPartitionRefused: (code, what) => {
        this.onCoordinatorError(code, what);
      },
      onAddFailed: (err) => {
        if (this.state === 'IN_TRANSACTION' || this.state === 'COMMITTING') {
          this.abortable(new TransactionAbortableError(`partitions could not be added to the transaction (${asError(err).message})`, err));
        }
      },
      onAddDone: () => this.host.wakeup(),
    });
  }

  get transactionalId(): string {
    return this.config.transactionalId;
  }

  // ---- the user's calls (Producer delegates) ----

  /**
   * Finds the transaction coordinator and gets the producer id and epoch for the transactional
   * id; the coordinator fences any older producer with the id and aborts its open transaction.
   */
  initTransactions(): Promise<void> {
    if (this.state === 'INITIALIZING' && this.pendingCall !== null) return this.pendingCall;
    if (!canTransition(this.state, 'INITIALIZING')) return Promise.reject(this.refused('initTransactions()'));
    this.state = 'INITIALIZING';
    return this.run(async () => {
      try {
        await this.initProducerId(-1n, -1, 'initTransactions()');
      } catch (err) {
        // A timeout may be retried by calling again (as Java); the rest is final.
        if (err instanceof TransactionTimeoutError) this.state = 'UNINITIALIZED';
        throw err;
      }
      this.transition('READY', 'initTransactions()');
    });
  }

  /** Starts a transaction: records produced from now on belong to it until commit or abort. */
  beginTransaction(): void {
    this.transition('IN_TRANSACTION', 'beginTransaction()');
  }

  /**
   * Sends every record of the transaction (flush), then commits it (EndTxn). Rejects with the
   * TransactionAbortableError that keeps it from committing (then call abortTransaction()), or
   * ProducerFencedError.
   */
  commitTransaction(): Promise<void> {
    if (this.state === 'COMMITTING' && this.pendingCall !== null) return this.pendingCall;
    if (this.state === 'ABORTABLE_ERROR') return Promise.reject(this.lastError);
    // A commit that timed out in EndTxn may be called again: only EndTxn is repeated.
    const retry = this.state === 'COMMITTING';
    if (!retry && !canTransition(this.state, 'COMMITTING')) return Promise.reject(this.refused('commitTransaction()'));
    this.state = 'COMMITTING';
    return this.run(async () => {
      if (!retry) await this.host.flush();
      // A record failed meanwhile: the transaction went to ABORTABLE_ERROR.
      if (this.state !== 'COMMITTING') throw this.lastError ?? this.refused('commitTransaction()');
      await this.endTransaction(true);
      this.complete();
    });
  }

  /**
   * Aborts the transaction: queued records fail with TransactionAbortedError (never sent), records
   * in flight settle, then EndTxn tells the coordinator to abort — read_committed consumers never
   * see the records that were written. After a lost sequenced batch, the epoch is bumped too.
   */
  abortTransaction(): Promise<void> {
    if (this.state === 'ABORTING' && this.pendingCall !== null) return this.pendingCall;
    if (this.state !== 'ABORTING' && !canTransition(this.state, 'ABORTING')) return Promise.reject(this.refused('abortTransaction()'));
    this.state = 'ABORTING';
    return this.run(async () => {
      this.host.wakeup(); // queued batches fail now
      await this.host.flush();
      await this.endTransaction(false);
      if (this.epochBumpRequired) {
        this.transition('INITIALIZING', 'abortTransaction()');
        await this.initProducerId(this.idempotence.producerId, this.idempotence.producerEpoch, 'abortTransaction()');
      }
      this.complete();
    });
  }

  /**
   * Adds the group's offsets to the transaction (AddOffsetsToTxn to the transaction coordinator),
   * then writes them to the group coordinator (TxnOffsetCommit): they take effect if it commits.
   */
  async sendOffsetsToTransaction(offsets: readonly OffsetToCommit[], group: ConsumerGroupMetadata): Promise<void> {
    if (this.state !== 'IN_TRANSACTION') throw this.refused('sendOffsetsToTransaction()');
    const id = this.config.transactionalId;
    const { producerId, producerEpoch } = this.idempotence;
    this.markStarted();
    const added = await this.coordinators
      .send('sendOffsetsToTransaction()', CoordinatorType.TRANSACTION, id, AddOffsetsToTxn, { transactionalId: id, producerId, producerEpoch, groupId: group.groupId }, (r) => r.errorCode, this.config.maxBlockMs)
      .catch((err: unknown) => this.failCall(err));
    if (added.errorCode !== ErrorCode.NONE) throw this.onCoordinatorError(added.errorCode, `AddOffsetsToTxn for group '${group.groupId}'`);
    this.transactionStarted = true;
    const committed = await this.coordinators
      .send('sendOffsetsToTransaction()', CoordinatorType.GROUP, group.groupId, TxnOffsetCommit, txnOffsetCommitRequest(id, producerId, producerEpoch, offsets, group), firstPartitionError, this.config.maxBlockMs)
      .catch((err: unknown) => this.failCall(err));
    const code = firstPartitionError(committed);
    // Java: fenced → fatal; a rebalanced-out consumer (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, …) → abortable.
    if (code !== ErrorCode.NONE) throw this.onCoordinatorError(code, `TxnOffsetCommit for group '${group.groupId}'`);
  }

  /**
   * Aborts the open transaction, if any (close() does, as Java's sender on a graceful close);
   * never rejects: a failed abort is logged, and the coordinator aborts the transaction after
   * transactionTimeoutMs anyway.
   */
  abortOngoing(): Promise<void> | undefined {
    if (this.state !== 'IN_TRANSACTION' && this.state !== 'ABORTABLE_ERROR' && this.state !== 'ABORTING') return undefined;
    return this.abortTransaction().catch((err: unknown) => this.logger.warn({ err }, 'the open transaction could not be aborted at close'));
  }

  /** Stops retrying: a call under way rejects at its next step. */
  close(): void {
    this.coordinators.close();
  }

  // ---- the sender's hooks ----

  /**
   * The error to fail queued batches with instead of sending them: the transaction is aborting
   * (TransactionAbortedError), cannot commit or the producer is fenced (lastError), or there is no
   * transaction (a record outside beginTransaction()/commit). null while batches may go.
   */
  undrainableError(): Error | null {
    switch (this.state) {
      case 'IN_TRANSACTION':
      case 'COMMITTING':
        return null;
      case 'ABORTING':
        return new TransactionAbortedError();
      case 'ABORTABLE_ERROR':
        return new TransactionAbortedError(`the transaction cannot commit and was not sent: ${this.lastError?.message}`);
      case 'FATAL_ERROR':
        return this.lastError;
      default:
        return this.refused('producing a record');
    }
  }

  /** Whether the partition is in the transaction; if not, it is queued for the next AddPartitionsToTxn. */
  isPartitionAdded(topic: string, partition: number, tpKey: string): boolean {
    return this.partitions.isAdded(topic, partition, tpKey);
  }

  /** Sends AddPartitionsToTxn for the queued partitions unless one is under way; wakes the sender after it. */
  addPendingPartitions(): void {
    this.partitions.sendPending();
  }

  /**
   * A batch of the transaction failed: the transaction cannot commit (Java's handleFailedBatch) —
   * or, fenced, no transaction can. A batch that had a sequence leaves a gap: the abort bumps the epoch.
   */
  onBatchFailed(error: Error, sequenced: boolean): void {
    if (sequenced) this.epochBumpRequired = true;
    if (error instanceof TransactionAbortedError) return;
    const code = error instanceof KafkaProtocolError ? error.code : ErrorCode.NONE;
    if (code === ErrorCode.PRODUCER_FENCED || code === ErrorCode.TRANSACTION_COORDINATOR_FENCED) {
      this.fatal(new ProducerFencedError(this.config.transactionalId, error, this.timedOut() ?? undefined));
    } else if (code === ErrorCode.INVALID_PRODUCER_EPOCH) {
      // KIP-588: on Produce this means the coordinator bumped our epoch — it aborted the transaction
      // for its age, or another producer with the id started: abortable here, as Java has it.
      const why = this.timedOut() ?? `another producer with transactionalId '${this.config.transactionalId}' has probably started and fenced this one`;
      this.abortable(new TransactionAbortableError(`a broker refused our epoch (${error.message}): ${why}`, error));
    } else {
      this.abortable(new TransactionAbortableError(`a record could not be delivered (${error.message})`, error));
    }
  }

  // ---- internals ----

  /** InitProducerId with the transactional id (and, to bump the epoch, the current id and epoch). */
  private async initProducerId(producerId: bigint, producerEpoch: number, operation: string): Promise<void> {
    const res = await this.coordinators.send(
      operation,
      CoordinatorType.TRANSACTION,
      this.config.transactionalId,
      InitProducerId,
      { transactionalId: this.config.transactionalId, transactionTimeoutMs: this.config.transactionTimeoutMs, producerId, producerEpoch },
      (r) => r.errorCode,
      this.config.maxBlockMs,
    ).catch((err: unknown) => this.failCall(err));
    if (res.errorCode !== ErrorCode.NONE) throw this.onCoordinatorError(res.errorCode, `${operation}: InitProducerId`, true);
    this.idempotence.producerId = res.producerId;
    this.idempotence.producerEpoch = res.producerEpoch;
    this.idempotence.newProducerIdNeeded = false;
    this.logger.info({ transactionalId: this.config.transactionalId, producerId: String(res.producerId), epoch: res.producerEpoch }, 'transactional producer id assigned');
  }

  /** EndTxn, if the coordinator knows of the transaction at all (Java skips it otherwise). */
  private async endTransaction(commit: boolean): Promise<void> {
    const adding = this.partitions.inFlight();
    if (adding !== null) await adding;
    if (!this.transactionStarted) return;
    const operation = commit ? 'commitTransaction()' : 'abortTransaction()';
    const res = await this.coordinators.send(
      operation,
      CoordinatorType.TRANSACTION,
      this.config.transactionalId,
      EndTxn,
      { transactionalId: this.config.transactionalId, producerId: this.idempotence.producerId, producerEpoch: this.idempotence.producerEpoch, committed: commit },
      (r) => r.errorCode,
      this.config.maxBlockMs,
    ).catch((err: unknown) => this.failCall(err));
    // A failed abort leaves the transaction in an unknown state: no further transaction can start.
    if (res.errorCode !== ErrorCode.NONE) throw this.onCoordinatorError(res.errorCode, `${operation}: EndTxn`, !commit);
  }

  /**
   * A coordinator's error code: fenced or fatal codes make the producer unusable; the rest make
   * the transaction abortable (`fatal` forces the former). Returns the error the state now holds.
   */
  private onCoordinatorError(code: number, what: string, fatal = false): Error {
    const cause = kafkaError(code, what);
    if (isFenced(code)) return this.fatal(new ProducerFencedError(this.config.transactionalId, cause, this.timedOut() ?? undefined));
    if (fatal || isFatal(code)) return this.fatal(new TransactionStateError(`${what} failed with ${errorName(code)}: the producer can run no more transactions; close it`, cause));
    return this.abortable(new TransactionAbortableError(`${what} failed with ${errorName(code)}`, cause));
  }

  /** A request that did not get an answer: a timeout may be retried by calling again; anything else is fatal. */
  private failCall(err: unknown): never {
    if (err instanceof TransactionTimeoutError || (err instanceof RxKafkaError && err.name === 'ProducerClosedError')) throw err;
    if (err instanceof KafkaProtocolError) throw this.onCoordinatorError(err.code, 'a coordinator request', true);
    throw this.fatal(new TransactionStateError(`a coordinator request failed (${asError(err).message}): the producer can run no more transactions; close it`, err));
  }

  private markStarted(): void {
    if (this.transactionStartMs < 0) this.transactionStartMs = this.coordinators.now();
  }

  /** Why the coordinator fenced us, when the transaction is older than it allows; null otherwise. */
  private timedOut(): string | null {
    if (this.transactionStartMs < 0) return null;
    const ageMs = this.coordinators.now() - this.transactionStartMs;
    if (ageMs < this.config.transactionTimeoutMs) return null;
    return (
      `the transaction has been open longer than transactionTimeoutMs=${this.config.transactionTimeoutMs} (${ageMs} ms), ` +
      'so the coordinator aborted it and bumped the producer epoch (keep transactions shorter, or raise transactionTimeoutMs)'
    );
  }

  private abortable(error: Error): Error {
    if (this.state === 'FATAL_ERROR') return this.lastError!;
    if (this.state === 'ABORTABLE_ERROR') return this.lastError!;
    if (canTransition(this.state, 'ABORTABLE_ERROR')) {
      this.logger.warn({ err: error }, 'transaction became abortable');
      this.state = 'ABORTABLE_ERROR';
      this.lastError = error;
      this.host.wakeup();
    }
    return error;
  }

  private fatal(error: Error): Error {
    if (this.state === 'FATAL_ERROR') return this.lastError!;
    this.logger.error({ err: error }, 'transactional producer failed');
    this.state = 'FATAL_ERROR';
    this.lastError = error;
    this.host.wakeup();
    return error;
  }

  /** The transaction ended (committed or aborted): the next one starts empty. */
  private complete(): void {
    this.transition('READY', 'completing the transaction');
    this.partitions.clear();
    this.transactionStarted = false;
    this.transactionStartMs = -1;
    this.epochBumpRequired = false;
    this.lastError = null;
  }

  private transition(to: TransactionState, call: string): void {
    if (!canTransition(this.state, to)) throw this.refused(call);
    this.state = to;
  }

  private refused(call: string): Error {
    if (this.state === 'FATAL_ERROR' && this.lastError !== null) {
      return new TransactionStateError(`${call} refused: the producer can run no more transactions (${this.lastError.message}); close it`, this.lastError);
    }
    return new TransactionStateError(`${call} is not possible while the transactional producer is ${this.state}: ${WHAT_TO_DO[this.state]}`);
  }

  private run(call: () => Promise<void>): Promise<void> {
    const p = call().finally(() => {
      if (this.pendingCall === p) this.pendingCall = null;
    });
    this.pendingCall = p;
    return p;
  }
}
