import type { Logger } from 'pino';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { Cluster } from '../cluster/Cluster';
import { asError, AuthenticationError, DeliveryTimeoutError, MessageTooLargeError, ProducerClosedError, RxKafkaError } from '../errors';
import type { Connection } from '../network/Connection';
import { ExponentialBackoff } from '../network/Backoff';
import { ProducerMetrics } from '../metrics/ProducerMetrics';
import { ErrorCode, kafkaError } from '../protocol/errorCodes';
import { Produce, ProduceResponse } from '../protocol/Produce';
import { canDrain, PartitionQueue, reenqueue, requeueSplit } from './PartitionQueue';
import { buildProduceRequest, findPartition, isMetadataError } from './produceRequest';
import type { ProducerBatch } from '../accumulator/ProducerBatch';
import type { TransactionManager } from '../idempotence/TransactionManager';
import type { Transactions } from '../transactions/Transactions';
import { newTxnPartitionEntry } from '../idempotence/TxnPartitionEntry';
import { ready, type ReadyContext } from './readyCheck';
import { confirmSequence, mustWaitForFirstAck, mustWaitForOldEpoch, onProducerStateError } from './sequenceReset';
import { splitBatch } from '../accumulator/splitBatch';

/** The first Produce version whose batches may be zstd-compressed (KIP-110). */
const ZSTD_MIN_PRODUCE_VERSION = 7;

/** What the sender needs from the producer's configuration. */
export interface SenderConfig {
  acks: number;
  maxInFlight: number;
  maxRequestSize: number;
  requestTimeoutMs: number;
  deliveryTimeoutMs: number;
  retries: number;
  /** The most bytes of a part when a batch refused as too large is split (splitBatch.ts); absent: no cap but halving. */
  batchSize?: number;
}

/** Produce requests outstanding to one broker (backpressure point 2). */
interface NodeState {
  /** Requests written and not answered; invariant: <= maxInFlight. */
  inFlight: number;
  /** A connect is under way (drain skips the node meanwhile). */
  connecting: boolean;
  /** Round-robin start among the node's partitions, so none starves under maxRequestSize. */
  drainIndex: number;
}

/**
 * The Sender (Java's Sender + the drain half of RecordAccumulator): closed batches are queued per
 * partition; each drain pass finds the partitions whose head batch is sendable (leader known,
 * not backing off), groups them by leader, and writes, per broker, Produce requests of at most one
 * batch per partition and at most `maxRequestSize` bytes, while fewer than `maxInFlight` requests
 * are outstanding to that broker. Responses complete the batches, or send them back to their
 * queue for a retry with backoff, or split them (MESSAGE_TOO_LARGE, see onTooLarge), or fail
 * them — all within `deliveryTimeoutMs`.
 */
export class Sender {
  private readonly queues = new Map<string, PartitionQueue>();
  private readonly nodes = new Map<number, NodeState>();
  /** Batches written and not yet answered, for close() and epoch-bump bookkeeping. */
  private inFlightBatches = 0;
  /** A drain pass is scheduled (microtask): several enqueues in one tick share it. */
  private drainScheduled = false;
  /** Timer for the next retry backoff / expiry deadline; at most one. */
  private timer: Subscription | null = null;
  private timerDueMs = Infinity;
  private closed = false;
  /** This sender's InitProducerId exchange is under way; at most one, whose outcome restamps or fails the queues. */
  private producerIdPending = false;
  private readonly retryBackoff: ExponentialBackoff;
  /** What each pass's ready() consults besides the queues. */
  private readonly readyContext: ReadyContext;
  /** Partitions whose last queued batch left the queue during this pass; told after it. */
  private drained: PartitionQueue[] = [];
  /** Topics whose batches were split already: the first split of each is logged at warn, later ones at debug. */
  private readonly splitTopics = new Set<string>();
  /** Told when a partition's queue empties, so that a batch held open for it can come. */
  onPartitionDrained: (topic: string, partition: number) => void = () => {};
  /**
   * The transactional producer's state (set once by the Producer, null otherwise): batches go
   * only inside a transaction, each partition after AddPartitionsToTxn, marked transactional.
   */
  transactions: Transactions | null = null;

  constructor(
    private readonly config: SenderConfig,
    private readonly cluster: Cluster,
    private readonly txn: TransactionManager | null,
    private readonly scheduler: SchedulerLike,
    private readonly logger: Logger,
    retryBackoffMs: number,
    retryBackoffMaxMs: number,
    /** The backoff's jitter source; tests pass a constant so that retries land at known times. */
    random: () => number = Math.random,
    /** Where requests, batches, retries and latencies are counted (the producer's metrics). */
    readonly metrics: ProducerMetrics = new ProducerMetrics(() => scheduler.now()),
  ) {
    this.retryBackoff = new ExponentialBackoff(retryBackoffMs, retryBackoffMaxMs, 2, 0.2, random);
    this.readyContext = { cluster, maxInFlight: config.maxInFlight, txn, logger, wakeup: this.wakeup };
  }

  /** Batches queued or in flight. */
  get pendingCount(): number {
    let n = this.inFlightBatches;
    for (const q of this.queues.values()) n += q.batches.length;
    return n;
  }

  /** Per broker that was ever sent a request: its produce requests awaiting a response (a metrics gauge). */
  requestsInFlight(): Array<{ nodeId: number; requestsInFlight: number }> {
    const out: Array<{ nodeId: number; requestsInFlight: number }> = [];
    for (const [nodeId, node] of this.nodes) out.push({ nodeId, requestsInFlight: node.inFlight });
    return out.sort((a, b) => a.nodeId - b.nodeId);
  }

  /** Whether a closed batch of the partition waits here unsent (RecordAccumulator holds lingered batches meanwhile). */
  hasQueued(topic: string, partition: number): boolean {
    const queue = this.queues.get(topic + '\0' + partition);
    return queue !== undefined && queue.batches.length > 0;
  }

  /** Takes a closed batch for sending. */
  enqueue(batch: ProducerBatch): void {
    if (this.closed) {
      batch.fail(new ProducerClosedError());
      return;
    }
    const tpKey = batch.topic + '\0' + batch.partition;
    let queue = this.queues.get(tpKey);
    if (queue === undefined) {
      queue = { topic: batch.topic, partition: batch.partition, tpKey, batches: [], inFlight: [], inFlightNodeId: -1, nextDrainOrder: 0, txn: newTxnPartitionEntry() };
      this.queues.set(tpKey, queue);
    }
    queue.batches.push(batch);
    this.wakeup();
  }

  /** Fails every queued batch; in-flight ones finish or fail on their own. Stops timers. */
  close(error: Error = new ProducerClosedError()): void {
    this.closed = true;
    this.txn?.close();
    this.timer?.unsubscribe();
    this.timer = null;
    for (const queue of this.queues.values()) {
      const batches = queue.batches.splice(0);
      for (let i = 0; i < batches.length; i++) batches[i].fail(error);
    }
  }

  /** Schedules a drain pass (coalesced). Stored once: no closure per wakeup. */
  wakeup = (): void => {
    if (this.drainScheduled || this.closed) return;
    this.drainScheduled = true;
    queueMicrotask(this.runOnce);
  };

  private readonly runOnce = (): void => {
    this.drainScheduled = false;
    if (this.closed) return;
    const nowMs = this.scheduler.now();
    let nextWakeMs = this.expire(nowMs);

    const txns = this.transactions;
    if (txns !== null) {
      // Aborting, abortable, fenced, or no transaction: what is queued fails instead of going out.
      const error = txns.undrainableError();
      if (error !== null) this.failQueued(error);
    }
    const txn = this.txn;
    if (txn !== null && !txn.hasProducerId) {
      // A transactional producer gets its id from initTransactions() only.
      if (txns !== null) {
        this.tellDrained();
        return;
      }
      // Sequences need a producer id (the first, or a new one after ours was fenced). Queued
      // batches still expire meanwhile; requests in flight under the old id settle on their own.
      if (nextWakeMs !== Infinity) this.scheduleWake(nextWakeMs);
      if (this.pendingCount > 0) this.initProducerId(txn);
      this.tellDrained();
      return;
    }

    const check = ready(this.queues.values(), nowMs, nextWakeMs, this.readyContext, txns);
    nextWakeMs = check.nextWakeMs;
    if (check.unknownLeader) this.cluster.requestUpdate();
    // One AddPartitionsToTxn for every partition this pass found new (Java batches them per drain too).
    txns?.addPendingPartitions();

    // drain(): per node, requests while the in-flight bound allows.
    for (const [nodeId, queues] of check.readyNodes) {
      const node = this.nodeState(nodeId);
      if (node.connecting) continue;
      const conn = this.cluster.connectedConnection(nodeId);
      if (conn === undefined) {
        this.connect(nodeId, node, queues);
        continue;
      }
      while (node.inFlight < this.config.maxInFlight) {
        const batches = this.drainNode(nodeId, node, queues, nowMs);
        if (batches.length === 0) break;
        this.sendProduce(conn, nodeId, node, batches);
      }
    }
    if (nextWakeMs !== Infinity) this.scheduleWake(nextWakeMs);
    this.tellDrained();
  };

  /** After a pass (never inside one: what they hand over re-enters enqueue()). */
  private tellDrained(): void {
    if (this.drained.length === 0) return;
    const drained = this.drained;
    this.drained = [];
    for (let i = 0; i < drained.length; i++) {
      if (drained[i].batches.length === 0) this.onPartitionDrained(drained[i].topic, drained[i].partition);
    }
  }

  /** Takes at most one batch per partition, up to maxRequestSize bytes (the first always fits). */
  private drainNode(nodeId: number, node: NodeState, queues: PartitionQueue[], nowMs: number): ProducerBatch[] {
    const batches: ProducerBatch[] = [];
    let sizeBytes = 0;
    const n = queues.length;
    const start = node.drainIndex % n;
    for (let k = 0; k < n; k++) {
      const queue = queues[(start + k) % n];
      if (!canDrain(queue, nowMs, this.config.maxInFlight)) continue;
      if (this.txn !== null && (mustWaitForOldEpoch(queue, this.txn) || mustWaitForFirstAck(queue))) continue;
      const batch = queue.batches[0];
      if (batches.length > 0 && sizeBytes + batch.sizeInBytes > this.config.maxRequestSize) break;
      queue.batches.shift();
      if (queue.batches.length === 0) this.drained.push(queue);
      queue.inFlight.push(batch);
      queue.inFlightNodeId = nodeId;
      if (batch.drainOrder < 0) batch.drainOrder = queue.nextDrainOrder++;
      const txn = this.txn;
      // First drain: a sequence now, in queue order, which is drain order. A retry keeps its own
      // id, epoch and sequence, so that the broker can tell it from a new batch.
      if (txn !== null && batch.baseSequence < 0) {
        batch.setProducerState(txn.producerId, txn.producerEpoch, txn.assignSequence(queue.txn, batch.recordCount), this.transactions !== null);
      }
      batch.attempts++;
      sizeBytes += batch.sizeInBytes;
      batches.push(batch);
    }
    node.drainIndex = (start + 1) % Math.max(1, n);
    return batches;
  }

  private sendProduce(conn: Connection, nodeId: number, node: NodeState, batches: ProducerBatch[]): void {
    node.inFlight++;
    this.inFlightBatches += batches.length;
    const version = conn.versionFor(Produce);
    if (version < ZSTD_MIN_PRODUCE_VERSION && batches.some((b) => b.compressionType === 'zstd')) {
      // As Java's ProduceRequest builder: an old broker could not read the batch; never retried.
      const error = kafkaError(
        ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
        `zstd needs Produce v${ZSTD_MIN_PRODUCE_VERSION} (Kafka 2.1 or later) and broker ${nodeId} speaks up to v${version}: set compressionType to gzip, snappy or lz4`);
      this.onRequestError(nodeId, node, batches, error);
      return;
    }
    const request = buildProduceRequest(batches, this.config.acks, this.config.requestTimeoutMs, this.transactions?.transactionalId ?? null);
    const expectResponse = this.config.acks !== 0;
    const metrics = this.metrics;
    metrics.requestTotal++;
    for (let i = 0; i < batches.length; i++) metrics.batchSent(batches[i].recordCount, batches[i].sizeInBytes);
    const sentMs = metrics.clock();
    conn.send(Produce, request, { expectResponse }).then(
      (response) => {
        // acks=0 "responses" are the socket flush, not the broker: no latency to count.
        if (expectResponse) metrics.requestCompleted(metrics.clock() - sentMs);
        this.onResponse(nodeId, node, batches, expectResponse ? response : null);
      },
      (error: unknown) => this.onRequestError(nodeId, node, batches, error),
    );
  }

  private onResponse(nodeId: number, node: NodeState, batches: ProducerBatch[], response: ProduceResponse | null): void {
    this.settle(node, batches);
    const nowMs = this.scheduler.now();
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i];
      if (response === null) {
        batch.complete(-1n, -1); // acks=0: nothing to wait for, no offset known
        continue;
      }
      const p = findPartition(response, batch.topic, batch.partition);
      if (p === undefined) {
        this.retryOrFail(batch, kafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `no result for ${batch.topic}-${batch.partition} in the Produce response of node ${nodeId}`), nowMs);
        continue;
      }
      const code = p.errorCode;
      if (code === ErrorCode.NONE || code === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
        // DUPLICATE_SEQUENCE_NUMBER: the broker already has this batch (a retry of a write that
        // succeeded): it is delivered.
        if (this.txn !== null) confirmSequence(this.queueOf(batch), batch);
        batch.complete(p.baseOffset, Number(p.logAppendTimeMs));
      } else if (code === ErrorCode.MESSAGE_TOO_LARGE) {
        this.onTooLarge(batch, nodeId);
      } else {
        const error = kafkaError(code, p.errorMessage ?? `producing to ${batch.topic}-${batch.partition} on node ${nodeId}`);
        if (isMetadataError(code)) this.cluster.requestUpdate();
        // Producer-state errors (KIP-360, see sequenceReset.ts) are retried whatever their kind.
        // A transactional producer does not bump epochs itself: the error makes the transaction abortable.
        const stateError = this.txn !== null && this.transactions === null && onProducerStateError(code, this.queueOf(batch), batch, this.txn);
        this.retryOrFail(batch, error, nowMs, stateError);
      }
    }
    this.wakeup();
  }

  /**
   * The broker refused the batch with MESSAGE_TOO_LARGE: larger than the topic's max.message.bytes.
   * As Java's sender does (completeBatch → splitAndReenqueue), a batch of several records is split
   * into smaller ones that take its place at the head of the partition's queue, keeping its
   * sequences (splitBatch.ts, requeueSplit in PartitionQueue.ts); a split is not a retry and
   * costs none of `retries`. Only a batch of one record fails: that record alone is too large.
   *
   * Other batches of the partition in flight at that moment were written after this one: with
   * idempotence the broker refuses them (OUT_OF_ORDER_SEQUENCE_NUMBER, since this batch's
   * sequences never arrived), and they are retried behind the parts, which are earlier in drain
   * order (sequenceReset.ts), so nothing is reordered and the sequence range stays contiguous.
   * The broker refuses them only once it knows our producer on the partition; before its first
   * ack a partition has one batch in flight (mustWaitForFirstAck), so none can overtake it.
   * Without idempotence the broker may append them before the parts, as after any retry (Java
   * likewise keeps order then only with maxInFlight 1).
   */
  private onTooLarge(batch: ProducerBatch, nodeId: number): void {
    if (this.closed) {
      this.failBatch(batch, new ProducerClosedError());
      return;
    }
    if (batch.recordCount < 2) {
      this.failBatch(batch, new MessageTooLargeError(batch.topic, batch.partition, batch.sizeInBytes, batch.compressionType));
      return;
    }
    const parts = splitBatch(batch, this.config.batchSize);
    requeueSplit(this.queueOf(batch), batch, parts);
    this.metrics.batchSplitTotal++;
    const first = !this.splitTopics.has(batch.topic);
    if (first) this.splitTopics.add(batch.topic);
    const log = { topic: batch.topic, partition: batch.partition, nodeId, records: batch.recordCount, sizeBytes: batch.sizeInBytes, parts: parts.length };
    if (first) this.logger.warn(log, "batch refused as larger than the topic's max.message.bytes: split and sent again (batchSize above the topic's limit costs a round trip per split)");
    else this.logger.debug(log, 'batch split after MESSAGE_TOO_LARGE');
    // Last: the batch's listener gives its pooled memory back, which may let the accumulator hand
    // over new batches of this partition at once; the parts are already ahead of them.
    batch.splitInto(parts);
  }

  private onRequestError(nodeId: number, node: NodeState, batches: ProducerBatch[], error: unknown): void {
    this.settle(node, batches);
    this.logger.debug({ nodeId, err: error }, 'produce request failed');
    // A disconnect may mean the broker is gone and its partitions have new leaders.
    this.cluster.requestUpdate();
    const nowMs = this.scheduler.now();
    const err = asError(error);
    for (let i = 0; i < batches.length; i++) this.retryOrFail(batches[i], err, nowMs);
    this.wakeup();
  }

  private settle(node: NodeState, batches: ProducerBatch[]): void {
    node.inFlight--;
    this.inFlightBatches -= batches.length;
    for (let i = 0; i < batches.length; i++) {
      const q = this.queues.get(batches[i].topic + '\0' + batches[i].partition);
      if (q === undefined) continue;
      const at = q.inFlight.indexOf(batches[i]);
      if (at >= 0) q.inFlight.splice(at, 1);
    }
  }

  /** Java's canRetry(): retriable error, retries left, and the delivery deadline not reached. */
  private retryOrFail(batch: ProducerBatch, error: Error, nowMs: number, forceRetriable = false): void {
    const retriable = forceRetriable || (error instanceof RxKafkaError && error.retriable);
    const deadlineMs = batch.createdMs + this.config.deliveryTimeoutMs;
    if (this.closed) {
      this.failBatch(batch, new ProducerClosedError());
      return;
    }
    if (!retriable || batch.attempts > this.config.retries) {
      this.failBatch(batch, error);
      return;
    }
    const retryAtMs = nowMs + this.retryBackoff.backoff(batch.attempts - 1);
    if (retryAtMs >= deadlineMs) {
      this.failBatch(batch, new DeliveryTimeoutError(batch.topic, batch.partition, this.config.deliveryTimeoutMs, error));
      return;
    }
    batch.lastError = error;
    batch.retryAfterMs = retryAtMs;
    this.metrics.recordRetryTotal += batch.recordCount;
    // Error paths only: the log object costs nothing on a healthy stream.
    this.logger.debug({ topic: batch.topic, partition: batch.partition, attempts: batch.attempts, backoffMs: retryAtMs - nowMs, err: error }, 'retrying batch');
    reenqueue(this.queueOf(batch), batch);
    this.scheduleWake(retryAtMs);
  }

  private failBatch(batch: ProducerBatch, error: Error): void {
    this.logger.debug({ topic: batch.topic, partition: batch.partition, records: batch.recordCount, attempts: batch.attempts, err: error }, 'batch failed');
    if (this.transactions !== null) {
      // The transaction cannot commit now; a lost sequence is repaired by the abort's epoch bump.
      this.transactions.onBatchFailed(error, batch.baseSequence >= 0);
    } else if (this.txn !== null && batch.baseSequence >= 0) {
      // The broker may never see this sequence: later batches would be out of order. The
      // partition restarts at 0 under a newer epoch (KIP-360).
      this.queueOf(batch).txn.resetNeeded = true;
    }
    batch.fail(error);
  }

  /** Fails every queued batch (transactional producer: aborting, abortable or fenced); in-flight ones settle on their own. */
  private failQueued(error: Error): void {
    for (const queue of this.queues.values()) {
      if (queue.batches.length === 0) continue;
      const batches = queue.batches.splice(0);
      this.drained.push(queue);
      for (let i = 0; i < batches.length; i++) this.failBatch(batches[i], error);
    }
  }

  private queueOf(batch: ProducerBatch): PartitionQueue {
    return this.queues.get(batch.topic + '\0' + batch.partition)!;
  }

  /**
   * Fails queued batches whose delivery deadline passed; returns the next deadline. A queue is in
   * creation order (a retry goes back before the later batches), so, as Java's expiry does, each
   * queue is checked only up to its first batch still in time: a pass costs the number of
   * partitions, not of queued batches.
   */
  private expire(nowMs: number): number {
    let next = Infinity;
    const timeoutMs = this.config.deliveryTimeoutMs;
    for (const queue of this.queues.values()) {
      const list = queue.batches;
      let expired = 0;
      while (expired < list.length && list[expired].createdMs + timeoutMs <= nowMs) expired++;
      if (expired < list.length) next = Math.min(next, list[expired].createdMs + timeoutMs);
      if (expired === 0) continue;
      const gone = list.splice(0, expired);
      if (list.length === 0) this.drained.push(queue);
      for (let i = 0; i < gone.length; i++) {
        this.failBatch(gone[i], new DeliveryTimeoutError(gone[i].topic, gone[i].partition, timeoutMs, gone[i].lastError));
      }
    }
    return next;
  }

  private initProducerId(txn: TransactionManager): void {
    if (this.producerIdPending) return;
    this.producerIdPending = true;
    txn.initProducerId().then(() => {
      this.producerIdPending = false;
      // New id or epoch: sequences restart at 0. Queued batches stamped under the old one are
      // restamped at their next drain (drainNode compares the epoch), in queue = sequence order.
      // Nothing is in flight: a bump waits for in-flight requests to settle.
      this.wakeup();
    }, (error: unknown) => {
      this.producerIdPending = false;
      // Without a producer id nothing can be sent idempotently: fail what is queued. Batches
      // enqueued later try again.
      const err = asError(error);
      this.logger.error({ err }, 'InitProducerId failed');
      for (const queue of this.queues.values()) {
        const batches = queue.batches.splice(0);
        if (batches.length > 0) this.drained.push(queue);
        for (let i = 0; i < batches.length; i++) batches[i].fail(err);
      }
      this.tellDrained();
    });
  }

  private connect(nodeId: number, node: NodeState, queues: PartitionQueue[]): void {
    node.connecting = true;
    this.cluster.connection(nodeId).then(
      () => {
        node.connecting = false;
        this.wakeup();
      },
      (error: unknown) => {
        node.connecting = false;
        this.logger.debug({ nodeId, err: error }, 'connect failed');
        // Kept on the waiting batches, so that a DeliveryTimeoutError says why they never went.
        const err = asError(error);
        // Refused credentials or certificates would be refused again: fail now (Java fails sends
        // with the AuthenticationException) rather than wait out deliveryTimeoutMs.
        if (err instanceof AuthenticationError) {
          for (let i = 0; i < queues.length; i++) {
            const batches = queues[i].batches.splice(0);
            if (batches.length > 0) this.drained.push(queues[i]);
            for (let j = 0; j < batches.length; j++) this.failBatch(batches[j], err);
          }
          this.tellDrained();
          return;
        }
        for (let i = 0; i < queues.length; i++) {
          const batches = queues[i].batches;
          for (let j = 0; j < batches.length; j++) batches[j].lastError = err;
        }
        this.cluster.requestUpdate();
        // The pool is in reconnect backoff now: try again after the retry backoff.
        this.scheduleWake(this.scheduler.now() + this.retryBackoff.backoff(0));
      },
    );
  }

  private nodeState(nodeId: number): NodeState {
    let node = this.nodes.get(nodeId);
    if (node === undefined) {
      node = { inFlight: 0, connecting: false, drainIndex: 0 };
      this.nodes.set(nodeId, node);
    }
    return node;
  }

  private scheduleWake(dueMs: number): void {
    if (this.closed || dueMs >= this.timerDueMs) return;
    this.timer?.unsubscribe();
    this.timerDueMs = dueMs;
    this.timer = this.scheduler.schedule(() => {
      this.timer = null;
      this.timerDueMs = Infinity;
      this.wakeup();
    }, Math.max(0, dueMs - this.scheduler.now()));
  }
}
