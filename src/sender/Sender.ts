import type { Logger } from 'pino';
import type { SchedulerLike } from 'rxjs';
import type { ProducerBatch } from '../accumulator/ProducerBatch';
import type { Cluster } from '../cluster/Cluster';
import { asError, AuthenticationError, ProducerClosedError } from '../errors';
import type { IdempotenceManager } from '../idempotence/IdempotenceManager';
import { ProducerMetrics } from '../metrics/ProducerMetrics';
import { ExponentialBackoff } from '../network/Backoff';
import type { Connection } from '../network/Connection';
import { ErrorCode, kafkaError } from '../protocol/errorCodes';
import { Produce, type ProduceResponse } from '../protocol/Produce';
import type { Transactions } from '../transactions/Transactions';
import { BatchOutcomes } from './BatchOutcomes';
import { drainNode, type DrainContext, type InFlightProduce, type NodeState } from './drainNode';
import { expireBatches } from './expireBatches';
import type { PartitionQueue } from './PartitionQueue';
import { PartitionQueues, type FailBatch } from './PartitionQueues';
import { buildProduceRequest, findPartition } from './produceRequest';
import { ready, type ReadyContext } from './readyCheck';
import type { SenderConfig } from './SenderConfig';
import { WakeTimer } from './WakeTimer';

/** The first Produce version whose batches may be zstd-compressed (KIP-110). */
const ZSTD_MIN_PRODUCE_VERSION = 7;

/** What a Sender is built from. */
export interface SenderOptions {
  readonly config: SenderConfig;
  readonly cluster: Cluster;
  readonly scheduler: SchedulerLike;
  readonly logger: Logger;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  /**
   * An idempotent producer's id, epoch and sequences: batches are stamped on their first drain.
   * Absent or null: a plain producer, whose batches carry no producer id.
   */
  readonly idempotence?: IdempotenceManager | null;
  /**
   * A transactional producer's state (needs `idempotence`): batches go only inside a transaction,
   * each partition after AddPartitionsToTxn, marked transactional.
   */
  readonly transactions?: Transactions | null;
  /** Told after a pass when a partition's queue has emptied, so that a batch held open for it can come. */
  readonly onPartitionDrained?: (topic: string, partition: number) => void;
  /** The backoff's jitter source; tests pass a constant so that retries land at known times. */
  readonly random?: () => number;
  /** Where requests, batches, retries and latencies are counted (the producer's metrics). */
  readonly metrics?: ProducerMetrics;
}

/**
 * The Sender (Java's Sender + the drain half of RecordAccumulator): closed batches are queued per
 * partition (PartitionQueues); each pass expires what waited too long (expireBatches), finds the
 * partitions whose head batch is sendable (readyCheck), groups them by leader, and writes, per
 * broker, Produce requests of at most one batch per partition and at most `maxRequestSize` bytes
 * (drainNode), while fewer than `maxInFlight` requests are outstanding to that broker. What the
 * broker answers completes, retries, splits or fails each batch (BatchOutcomes).
 *
 * Three modes, fixed at construction: plain (`idempotence` null), idempotent (`idempotence`: a
 * producer id, epoch and sequences, the sender asking InitProducerId itself), and transactional
 * (`transactions` too: the id comes from initTransactions(), and batches wait for the transaction).
 */
export class Sender {
  /** Where requests, batches, retries and latencies are counted. */
  readonly metrics: ProducerMetrics;
  /** @internal What becomes of answered batches (tests hook its retryOrFail to see every batch error). */
  readonly outcomes: BatchOutcomes;
  private readonly config: SenderConfig;
  private readonly cluster: Cluster;
  private readonly scheduler: SchedulerLike;
  private readonly logger: Logger;
  /** Null for a plain producer. */
  private readonly idempotence: IdempotenceManager | null;
  /** Null unless transactional; invariant: non-null only with `idempotence`. */
  private readonly transactions: Transactions | null;
  private readonly onPartitionDrained: (topic: string, partition: number) => void;
  private readonly queues = new PartitionQueues();
  private readonly nodes = new Map<number, NodeState>();
  /** Batches written and not yet answered, for close() and epoch-bump bookkeeping. */
  private inFlightBatches = 0;
  /** A drain pass is scheduled (microtask): several enqueues in one tick share it. */
  private drainScheduled = false;
  private closed = false;
  /** This sender's InitProducerId exchange is under way; at most one, whose outcome restamps or fails the queues. */
  private producerIdPending = false;
  private readonly retryBackoff: ExponentialBackoff;
  /** Wakes the sender for the next retry backoff or expiry deadline. */
  private readonly wakeTimer: WakeTimer;
  /** What each pass's ready() and drainNode() consult besides the queues. */
  private readonly readyContext: ReadyContext;
  private readonly drainContext: DrainContext;
  /** Ends a batch without the sender's bookkeeping (InitProducerId failed: nothing was sequenced under an id). */
  private readonly failOnly: FailBatch = (batch, _queue, error) => batch.fail(error);

  constructor(o: SenderOptions) {
    const { config, cluster, scheduler, logger } = o;
    this.config = config;
    this.cluster = cluster;
    this.scheduler = scheduler;
    this.logger = logger;
    this.idempotence = o.idempotence ?? null;
    this.transactions = o.transactions ?? null;
    if (this.transactions !== null && this.idempotence === null) throw new Error('Sender: a transactional producer needs idempotence');
    this.onPartitionDrained = o.onPartitionDrained ?? (() => {});
    this.metrics = o.metrics ?? new ProducerMetrics(() => scheduler.now());
    this.retryBackoff = new ExponentialBackoff(o.retryBackoffMs, o.retryBackoffMaxMs, 2, 0.2, o.random ?? Math.random);
    this.wakeTimer = new WakeTimer(scheduler, this.wakeup);
    const { idempotence, transactions } = this;
    this.readyContext = { cluster, maxInFlight: config.maxInFlight, idempotence, transactions, logger, wakeup: this.wakeup };
    this.drainContext = { maxInFlight: config.maxInFlight, maxRequestSize: config.maxRequestSize, idempotence, transactional: transactions !== null };
    this.outcomes = new BatchOutcomes({ config, cluster, idempotence, transactions, retryBackoff: this.retryBackoff, wakeTimer: this.wakeTimer, metrics: this.metrics, logger });
  }

  /** Batches queued or in flight. */
  get pendingCount(): number {
    return this.inFlightBatches + this.queues.unsentCount;
  }

  /** Per broker that was ever sent a request: its produce requests awaiting a response (a metrics gauge). */
  requestsInFlight(): Array<{ nodeId: number; requestsInFlight: number }> {
    const out: Array<{ nodeId: number; requestsInFlight: number }> = [];
    for (const [nodeId, node] of this.nodes) out.push({ nodeId, requestsInFlight: node.inFlight });
    return out.sort((a, b) => a.nodeId - b.nodeId);
  }

  /** Whether a closed batch of the partition waits here unsent (RecordAccumulator holds lingered batches meanwhile). */
  hasQueued(topic: string, partition: number): boolean {
    const queue = this.queues.get(topic, partition);
    return queue !== undefined && queue.batches.length > 0;
  }

  /** Takes a closed batch for sending. */
  enqueue(batch: ProducerBatch): void {
    if (this.closed) {
      batch.fail(new ProducerClosedError());
      return;
    }
    this.queues.queueFor(batch.topic, batch.partition).batches.push(batch);
    this.wakeup();
  }

  /** Fails every queued batch; in-flight ones finish or fail on their own. Stops timers. */
  close(error: Error = new ProducerClosedError()): void {
    this.closed = true;
    this.outcomes.closed = true;
    this.idempotence?.close();
    this.wakeTimer.close();
    this.queues.failUnsent(this.queues.all, error, this.failOnly);
  }

  /** Schedules a drain pass (coalesced). Stored once: no closure per wakeup. */
  wakeup = (): void => {
    if (this.drainScheduled || this.closed) return;
    this.drainScheduled = true;
    queueMicrotask(this.runOnce);
  };

  /** One pass: expire, fail what may not go, then ready and drain; the partitions emptied are told last. */
  private readonly runOnce = (): void => {
    this.drainScheduled = false;
    if (this.closed) return;
    const nowMs = this.scheduler.now();
    const nextWakeMs = expireBatches(this.queues, nowMs, this.config.deliveryTimeoutMs, this.outcomes.failBatch);
    if (this.transactions !== null) {
      // Aborting, abortable, fenced, or no transaction: what is queued fails instead of going out.
      const error = this.transactions.undrainableError();
      if (error !== null) this.queues.failUnsent(this.queues.all, error, this.outcomes.failBatch);
    }
    if (!this.awaitingProducerId(nextWakeMs)) this.drainReady(nowMs, nextWakeMs);
    this.tellDrained();
  };

  /**
   * Whether this pass must stop before the drain: idempotence has no usable producer id (the
   * first, or a new one after ours was fenced or its epochs ran out). The idempotent producer asks
   * for one; queued batches still expire meanwhile; requests in flight under the old id settle on
   * their own.
   */
  private awaitingProducerId(nextWakeMs: number): boolean {
    const idempotence = this.idempotence;
    if (idempotence === null || idempotence.hasProducerId) return false;
    // A transactional producer gets its id from initTransactions() only.
    if (this.transactions !== null) return true;
    this.wakeTimer.wakeAt(nextWakeMs);
    if (this.pendingCount > 0) this.initProducerId(idempotence);
    return true;
  }

  /** ready(), then per broker as many Produce requests as its in-flight bound allows. */
  private drainReady(nowMs: number, nextWakeMs: number): void {
    const check = ready(this.queues.all, nowMs, nextWakeMs, this.readyContext);
    if (check.unknownLeader) this.cluster.requestUpdate();
    // One AddPartitionsToTxn for every partition this pass found new (Java batches them per drain too).
    this.transactions?.addPendingPartitions();
    for (const [nodeId, queues] of check.readyNodes) {
      const node = this.nodeState(nodeId);
      if (node.connecting) continue;
      const conn = this.cluster.connectedConnection(nodeId);
      if (conn === undefined) {
        this.connect(node, queues);
        continue;
      }
      while (node.inFlight < this.config.maxInFlight) {
        const request = drainNode(node, queues, nowMs, this.drainContext, this.queues);
        if (request === null) break;
        this.sendProduce(conn, request);
      }
    }
    this.wakeTimer.wakeAt(check.nextWakeMs);
  }

  /** After a pass (never inside one: what they hand over re-enters enqueue()); a closed sender tells no one. */
  private tellDrained(): void {
    const drained = this.queues.takeDrained();
    if (this.closed) return;
    for (let i = 0; i < drained.length; i++) {
      if (drained[i].batches.length === 0) this.onPartitionDrained(drained[i].topic, drained[i].partition);
    }
  }

  private sendProduce(conn: Connection, request: InFlightProduce): void {
    const { node, batches } = request;
    node.inFlight++;
    this.inFlightBatches += batches.length;
    const version = conn.versionFor(Produce);
    if (version < ZSTD_MIN_PRODUCE_VERSION && batches.some((b) => b.compressionType === 'zstd')) {
      // As Java's ProduceRequest builder: an old broker could not read the batch; never retried.
      const error = kafkaError(
        ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
        `zstd needs Produce v${ZSTD_MIN_PRODUCE_VERSION} (Kafka 2.1 or later) and broker ${node.nodeId} speaks up to v${version}: set compressionType to gzip, snappy or lz4`);
      this.onRequestError(request, error);
      return;
    }
    const produce = buildProduceRequest(batches, this.config.acks, this.config.requestTimeoutMs, this.transactions?.transactionalId ?? null);
    const expectResponse = this.config.acks !== 0;
    const metrics = this.metrics;
    metrics.requestTotal++;
    for (let i = 0; i < batches.length; i++) metrics.batchSent(batches[i].recordCount, batches[i].sizeInBytes);
    const sentMs = metrics.clock();
    conn.send(Produce, produce, { expectResponse }).then(
      (response) => {
        // acks=0 "responses" are the socket flush, not the broker: no latency to count.
        if (expectResponse) metrics.requestCompleted(metrics.clock() - sentMs);
        this.onResponse(request, expectResponse ? response : null);
      },
      (error: unknown) => this.onRequestError(request, error),
    );
  }

  /** Java's handleProduceResponse: each batch's result; `response` null for acks=0. */
  private onResponse(request: InFlightProduce, response: ProduceResponse | null): void {
    this.settle(request);
    const { batches, queues, node } = request;
    const nowMs = this.scheduler.now();
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i];
      if (response === null) batch.complete(-1n, -1); // acks=0: nothing to wait for, no offset known
      else this.outcomes.completeBatch(batch, queues[i], findPartition(response, batch.topic, batch.partition), node.nodeId, nowMs);
    }
    this.wakeup();
  }

  private onRequestError(request: InFlightProduce, error: unknown): void {
    this.settle(request);
    this.logger.debug({ nodeId: request.node.nodeId, err: error }, 'produce request failed');
    // A disconnect may mean the broker is gone and its partitions have new leaders.
    this.cluster.requestUpdate();
    const nowMs = this.scheduler.now();
    const err = asError(error);
    const { batches, queues } = request;
    for (let i = 0; i < batches.length; i++) this.outcomes.retryOrFail(batches[i], err, nowMs, queues[i]);
    this.wakeup();
  }

  /** The request is answered: its batches are no longer in flight. */
  private settle(request: InFlightProduce): void {
    const { batches, queues } = request;
    request.node.inFlight--;
    this.inFlightBatches -= batches.length;
    for (let i = 0; i < batches.length; i++) {
      const inFlight = queues[i].inFlight;
      const at = inFlight.indexOf(batches[i]);
      if (at >= 0) inFlight.splice(at, 1);
    }
  }

  private initProducerId(idempotence: IdempotenceManager): void {
    if (this.producerIdPending) return;
    this.producerIdPending = true;
    idempotence.initProducerId().then(() => {
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
      this.queues.failUnsent(this.queues.all, err, this.failOnly);
      this.tellDrained();
    });
  }

  private connect(node: NodeState, queues: PartitionQueue[]): void {
    node.connecting = true;
    this.cluster.connection(node.nodeId).then(
      () => {
        node.connecting = false;
        this.wakeup();
      },
      (error: unknown) => {
        node.connecting = false;
        this.logger.debug({ nodeId: node.nodeId, err: error }, 'connect failed');
        // Kept on the waiting batches, so that a DeliveryTimeoutError says why they never went.
        const err = asError(error);
        // Refused credentials or certificates would be refused again: fail now (Java fails sends
        // with the AuthenticationException) rather than wait out deliveryTimeoutMs.
        if (err instanceof AuthenticationError) {
          this.queues.failUnsent(queues, err, this.outcomes.failBatch);
          this.tellDrained();
          return;
        }
        for (let i = 0; i < queues.length; i++) {
          const batches = queues[i].batches;
          for (let j = 0; j < batches.length; j++) batches[j].lastError = err;
        }
        this.cluster.requestUpdate();
        // The pool is in reconnect backoff now: try again after the retry backoff.
        this.wakeTimer.wakeAt(this.scheduler.now() + this.retryBackoff.backoff(0));
      },
    );
  }

  private nodeState(nodeId: number): NodeState {
    let node = this.nodes.get(nodeId);
    if (node === undefined) {
      node = { nodeId, inFlight: 0, connecting: false, drainIndex: 0 };
      this.nodes.set(nodeId, node);
    }
    return node;
  }
}
