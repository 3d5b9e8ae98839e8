import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { asyncScheduler, BehaviorSubject, distinctUntilChanged, isObservable, Observable, SchedulerLike, Subscription } from 'rxjs';
import { Cluster } from '../cluster/Cluster';
import { ConnectionPool } from '../network/ConnectionPool';
import { ExponentialBackoff } from '../network/Backoff';
import { BuiltInPartitioner } from '../partitioners/BuiltInPartitioner';
import type { Ack, ProducerRecord } from '../types';
import { AckStageHost } from '../pipeline/AckStage';
import { BatchCompressor } from '../accumulator/BatchCompressor';
import { BufferPool } from '../accumulator/BufferPool';
import { ProducerConfig, ResolvedConfig, resolveConfig } from '../config/config';
import type { ProducerBatch } from '../accumulator/ProducerBatch';
import type { Backlog, RecordAccumulator } from '../accumulator/RecordAccumulator';
import { pullSource } from '../pipeline/pullSource';
import { Sender } from '../sender/Sender';
import { TransactionManager } from '../idempotence/TransactionManager';
import { CoordinatorClient } from '../transactions/CoordinatorClient';
import { Transactions } from '../transactions/Transactions';
import type { ConsumerGroupMetadata, OffsetToCommit } from '../transactions/sendOffsets';
import { sendTransactionally, type TransactionResult } from '../transactions/sendTransactionally';
import { ProducerClosedError, TransactionStateError } from '../errors';
import { buildPipeline } from '../pipeline/buildPipeline';
import { PipelineBacklog } from '../pipeline/PipelineBacklog';
import type { ProducerMetricsSnapshot } from '../metrics/MetricsSnapshot';
import { MetricsPublisher } from '../metrics/MetricsPublisher';
import { ProducerMetrics } from '../metrics/ProducerMetrics';
import { Interceptors } from '../pipeline/Interceptors';

/** Anything `produce()` accepts: a pushed Observable, or a pulled source read only while there is room. */
export type RecordSource<R> = Observable<R> | AsyncIterable<R> | Iterable<R> | NodeJS.ReadableStream;

/**
 * One producer: a cluster view, a connection per broker, the shared `bufferMemory`, one Sender.
 * Several streams may share it (`produce()` once per stream); each stream gets its own acks.
 *
 * @example
 * const producer = createProducer({ brokers: 'localhost:9092', topic: 'events' });
 * producer.produce(records$).subscribe((ack) => checkpoint(ack.meta));
 * await producer.close();
 */
export class Producer implements AckStageHost {
  readonly config: ResolvedConfig;
  /** @internal */ readonly logger: Logger;
  /** @internal */ readonly scheduler: SchedulerLike;
  /** @internal */ readonly cluster: Cluster;
  /** @internal */ readonly pool: BufferPool;
  /** @internal */ readonly sender: Sender;
  /** Compresses costly batches off the event loop on their way to the sender, keeping their order. */
  private readonly compressor: BatchCompressor;
  private readonly connections: ConnectionPool;
  /**
   * Bytes of `bufferMemory` free now, emitted as batches take and return memory: a source that can
   * pause itself (a consumer, a socket, a paginated API) can watch it (DESIGN.md, backpressure 3).
   */
  readonly bufferAvailable$: Observable<number>;
  /**
   * true while the producer takes records without holding any back; false while some wait for
   * memory or metadata, or MAX_PENDING_SERIALIZATIONS wait for async serializers. Pulled sources
   * pause on it by themselves; pushed ones can pause on it.
   */
  readonly ready$: Observable<boolean>;
  private readonly bufferAvailableSubject: BehaviorSubject<number>;
  private readonly readySubject = new BehaviorSubject<boolean>(true);
  /**
   * A snapshot of the producer's metrics every `metricsIntervalMs` (rates, averages and latency
   * percentiles over that interval), and a last one when the producer closes; then it completes.
   * Subscribers share one timer, which does not keep the process alive.
   *
   * @example
   * producer.metrics$.subscribe((m) => log.info({ recordsPerSec: m.recordSendRate, p99Ms: m.requestLatencyP99 }, 'producer'));
   */
  readonly metrics$: Observable<ProducerMetricsSnapshot>;
  /** @internal The counters the sender and the send stages write (read by metrics() and metrics$). */
  readonly metricsCounters: ProducerMetrics;
  /** @internal onSend / onAcknowledgement hooks; null when none are configured (no per-record cost). */
  readonly interceptors: Interceptors | null;
  private readonly metricsPublisher: MetricsPublisher;
  /** Keyless partitioning state per topic (KIP-794). */
  private readonly sticky = new Map<string, BuiltInPartitioner>();
  /** Live accumulate stages, so that flush() reaches every open batch. */
  private readonly accumulators = new Set<RecordAccumulator>();
  /** @internal Records the stages hold back (serializers, metadata, memory): pulled sources, ready$ and flush() go by it. */
  readonly pipelineBacklog = new PipelineBacklog((room) => this.readySubject.next(room));
  /** Batches handed to the sender and not yet done. */
  private readonly outstanding = new Set<ProducerBatch>();
  /** Resolvers waiting for idleness (close). */
  private idleWaiters: Array<() => void> = [];
  /** flush() calls waiting for the batches they saw. */
  private flushWaiters: Array<{ batches: Set<ProducerBatch>; resolve: () => void }> = [];
  private closing: Promise<void> | null = null;
  /** flush() calls not yet resolved; while > 0, batches do not linger. */
  private flushesInProgress = 0;
  private readonly metadataSubscription: Subscription;
  /** The transactional state (transactionalId set), else null. */
  private readonly transactions: Transactions | null = null;

  constructor(config: ProducerConfig | ResolvedConfig, scheduler: SchedulerLike = asyncScheduler) {
    this.config = resolveConfig(config);
    const c = this.config;
    this.scheduler = scheduler;
    // Every component's logger is a child of this one: each line says which client wrote it.
    const log = c.logger.child({ clientId: c.clientId });
    this.logger = log.child({ component: 'producer' });
    this.connections = new ConnectionPool({
      clientId: c.clientId,
      requestTimeoutMs: c.requestTimeoutMs,
      connectionSetupTimeoutMs: c.socketConnectionSetupTimeoutMs,
      reconnectBackoffMs: c.reconnectBackoffMs,
      reconnectBackoffMaxMs: c.reconnectBackoffMaxMs,
      logger: log,
      tls: c.ssl,
      sasl: c.sasl,
    });
    this.cluster = new Cluster({
      bootstrap: c.brokers,
      pool: this.connections,
      metadataMaxAgeMs: c.metadataMaxAgeMs,
      retryBackoffMs: c.retryBackoffMs,
      retryBackoffMaxMs: c.retryBackoffMaxMs,
      allowAutoTopicCreation: c.allowAutoTopicCreation,
      logger: log,
    });
    this.bufferAvailableSubject = new BehaviorSubject(c.bufferMemory);
    this.pool = new BufferPool(c.bufferMemory, c.batchSize, (bytes) => this.bufferAvailableSubject.next(bytes));
    this.bufferAvailable$ = this.bufferAvailableSubject.pipe(distinctUntilChanged());
    this.ready$ = this.readySubject.pipe(distinctUntilChanged());
    const txn = c.idempotence
      ? new TransactionManager(
          this.cluster,
          new ExponentialBackoff(c.retryBackoffMs, c.retryBackoffMaxMs),
          c.deliveryTimeoutMs,
          log.child({ component: 'idempotence' }),
          scheduler,
        )
      : null;
    // Request latencies in virtual time under a test scheduler; in real runs on a monotonic clock
    // with sub-millisecond resolution (the scheduler's Date.now() would round most to 0 or 1 ms).
    this.metricsCounters = new ProducerMetrics(scheduler === asyncScheduler ? () => performance.now() : () => scheduler.now());
    this.sender = new Sender(
      c,
      this.cluster,
      txn,
      scheduler,
      log.child({ component: 'sender' }),
      c.retryBackoffMs,
      c.retryBackoffMaxMs,
      Math.random,
      this.metricsCounters,
    );
    this.metricsPublisher = new MetricsPublisher(
      this.metricsCounters,
      {
        clientId: c.clientId,
        brokers: () => this.sender.requestsInFlight(),
        bufferAvailableBytes: () => this.pool.available,
        bufferTotalBytes: c.bufferMemory,
      },
      c.metricsIntervalMs,
      scheduler,
    );
    this.metrics$ = this.metricsPublisher.metrics$;
    this.interceptors = c.interceptors.length > 0 ? new Interceptors(c.interceptors, log.child({ component: 'interceptors' })) : null;
    const compressionLog = log.child({ component: 'compression' });
    this.compressor = new BatchCompressor(
      (batch) => this.sender.enqueue(batch),
      (batch, err) => compressionLog.warn({ err, topic: batch.topic, partition: batch.partition }, 'compression failed: the batch is sent uncompressed'),
    );
    if (c.transactionalId !== null) {
      this.transactions = new Transactions(
        { transactionalId: c.transactionalId, transactionTimeoutMs: c.transactionTimeoutMs, maxBlockMs: c.maxBlockMs, deliveryTimeoutMs: c.deliveryTimeoutMs },
        txn!,
        new CoordinatorClient(this.cluster, new ExponentialBackoff(c.retryBackoffMs, c.retryBackoffMaxMs), c.logger.child({ component: 'coordinator' }), scheduler),
        { flush: () => this.flush(), wakeup: this.sender.wakeup },
        c.logger.child({ component: 'transactions', transactionalId: c.transactionalId }),
      );
      this.sender.transactions = this.transactions;
    }
    this.sender.onPartitionDrained = (topic, partition) => {
      for (const acc of this.accumulators) acc.partitionReady(topic, partition);
    };
    // New leaders may make queued batches sendable.
    this.metadataSubscription = this.cluster.updates$.subscribe(this.sender.wakeup);
    this.logger.debug(
      { brokers: c.brokers, acks: c.acks, idempotence: c.idempotence, lingerMs: c.lingerMs, batchSize: c.batchSize, compressionType: c.compressionType },
      'producer created',
    );
  }

  /**
   * The producer's metrics now: rates, averages and latency percentiles over the last complete
   * `metricsIntervalMs` window and the current one, totals since the start, gauges as they are.
   *
   * @example
   * const m = producer.metrics();
   * console.log(`${m.recordSendTotal} records sent, ${m.recordErrorTotal} failed, p99 ${m.requestLatencyP99} ms`);
   */
  metrics(): ProducerMetricsSnapshot {
    return this.metricsPublisher.snapshot();
  }

  /**
   * Produces a stream of records and returns the stream of their acks, one per record.
   * Observables are pushed sources (bounded by `bufferPolicy`); iterables, async iterables and Node
   * readables are pulled only while the producer has room.
   */
  produce<K = unknown, V = unknown, M = unknown>(source: RecordSource<ProducerRecord<K, V, M>>): Observable<Ack<M>> {
    const records$ = isObservable(source)
      ? source
      : pullSource(source as Iterable<ProducerRecord<K, V, M>> | AsyncIterable<ProducerRecord<K, V, M>>, this.pipelineBacklog);
    return buildPipeline<K, V, M>(records$, this);
  }

  /**
   * Sends every open batch now (lingerMs is ignored until the flush is over, as in Java) and
   * resolves when every record given to the producer before the call is acked or failed. Records
   * that arrive after it are not waited for (Java's flush waits for the batches that exist when
   * it is called): under a continuous stream it returns as soon as the earlier records settled.
   * Records held back at the call (waiting for metadata or memory) count as given: Java's send()
   * would have waited for them before returning.
   */
  async flush(): Promise<void> {
    this.flushesInProgress++;
    try {
      await this.pipelineBacklog.whenHeldNowHaveLeft();
      for (const acc of this.accumulators) acc.flush();
      if (this.outstanding.size > 0) {
        const batches = new Set(this.outstanding);
        await new Promise<void>((resolve) => this.flushWaiters.push({ batches, resolve }));
      }
    } finally {
      this.flushesInProgress--;
    }
  }

  // ---- transactions (transactionalId set; Java's KafkaProducer transactional methods) ----

  /**
   * Registers the transactional id with its coordinator and gets the producer id and epoch; an
   * older producer with the same id is fenced and its open transaction aborted. Call once, first.
   * Rejects with TransactionTimeoutError after `maxBlockMs` (call again), or a fatal error.
   */
  initTransactions(): Promise<void> {
    return this.transactional('initTransactions()').initTransactions();
  }

  /** Starts a transaction: every record produced until commit or abort belongs to it. Throws TransactionStateError when not READY. */
  beginTransaction(): void {
    this.transactional('beginTransaction()').beginTransaction();
  }

  /** Flushes the transaction's records, then commits it. On TransactionAbortableError, call abortTransaction(). */
  commitTransaction(): Promise<void> {
    return this.transactional('commitTransaction()').commitTransaction();
  }

  /** Fails the transaction's unsent records (TransactionAbortedError), waits for those in flight, then aborts it. */
  abortTransaction(): Promise<void> {
    return this.transactional('abortTransaction()').abortTransaction();
  }

  /**
   * Consume-transform-produce: commits the consumer group's offsets (the next record to read, per
   * partition) as part of the current transaction, so that they count only if it commits.
   */
  sendOffsetsToTransaction(offsets: readonly OffsetToCommit[], group: ConsumerGroupMetadata | string): Promise<void> {
    return this.transactional('sendOffsetsToTransaction()').sendOffsetsToTransaction(offsets, typeof group === 'string' ? { groupId: group } : group);
  }

  /**
   * One transaction per inner stream, one after the other (reactor-kafka's sendTransactionally):
   * begin, produce the stream's records, commit when it completes — then emit its acks as one
   * TransactionResult. When an inner stream errors or one of its records fails, the transaction is
   * aborted and the returned stream errors with that error. Calls initTransactions() first if needed.
   */
  sendTransactionally<K = unknown, V = unknown, M = unknown>(
    transactions$: Observable<RecordSource<ProducerRecord<K, V, M>>>,
  ): Observable<TransactionResult<M>> {
    return sendTransactionally(this, this.transactional('sendTransactionally()'), transactions$);
  }

  private transactional(call: string): Transactions {
    if (this.transactions === null) {
      throw new TransactionStateError(`${call} needs a transactional producer: set transactionalId (a name stable across restarts of this producer)`);
    }
    return this.transactions;
  }

  /** Sends everything now and resolves once nothing is left: no backlog, no open or outstanding batch. */
  private async drain(): Promise<void> {
    this.flushesInProgress++;
    try {
      for (const acc of this.accumulators) acc.flush();
      if (!this.isIdle()) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    } finally {
      this.flushesInProgress--;
    }
  }

  /**
   * Sends everything, waiting at most `timeoutMs` (default `deliveryTimeoutMs`) until every record
   * given to the producer — also those still arriving meanwhile — is acked or failed; then fails
   * what is left with ProducerClosedError and closes every connection. Never hangs past the timeout.
   * A transactional producer aborts its open transaction first, within the same timeout (as Java's
   * sender does on a graceful close): its unsent records fail with TransactionAbortedError.
   */
  close(timeoutMs: number = this.config.deliveryTimeoutMs): Promise<void> {
    if (this.closing === null) {
      this.closing = (async () => {
        let timer: NodeJS.Timeout | undefined;
        const aborting = this.transactions?.abortOngoing();
        await Promise.race([
          Promise.all([aborting, this.drain()]),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, timeoutMs);
          }),
        ]);
        clearTimeout(timer);
        this.transactions?.close();
        this.sender.close(new ProducerClosedError(`the producer was closed before the record was acknowledged (close timeout ${timeoutMs} ms)`));
        // A flush() still waiting has nothing more to wait for: what it waited for failed.
        this.pipelineBacklog.releaseAllWaiters();
        for (const w of this.flushWaiters.splice(0)) w.resolve();
        this.metadataSubscription.unsubscribe();
        this.metricsPublisher.close();
        this.interceptors?.close();
        this.bufferAvailableSubject.complete();
        this.readySubject.complete();
        this.cluster.close();
        this.connections.close();
        const m = this.metricsCounters;
        this.logger.debug({ recordSendTotal: m.recordSendTotal, recordRetryTotal: m.recordRetryTotal, recordErrorTotal: m.recordErrorTotal }, 'producer closed');
      })();
    }
    return this.closing;
  }

  // ---- internals used by the operators (src/producer/pipeline.ts, operators/) ----

  /** @internal */
  stickyPartitioner(topic: string): BuiltInPartitioner {
    let p = this.sticky.get(topic);
    if (p === undefined) {
      p = new BuiltInPartitioner();
      this.sticky.set(topic, p);
    }
    return p;
  }

  /** @internal */
  registerAccumulator(acc: RecordAccumulator): () => void {
    this.accumulators.add(acc);
    return () => {
      this.accumulators.delete(acc);
      this.checkIdle();
    };
  }

  /** @internal The accumulate stages' view of the producer's backlog and flush state. */
  readonly backlog: Backlog = ((self: Producer): Backlog => ({
    add: (n: number): void => self.pipelineBacklog.add(n),
    get flushing(): boolean {
      return self.flushesInProgress > 0;
    },
    partitionBusy: (topic: string, partition: number): boolean => self.sender.hasQueued(topic, partition),
  }))(this);

  /** @internal The partition stage's side of `pipelineBacklog` (PartitionHost). */
  addBacklog(n: number): void {
    this.pipelineBacklog.add(n);
  }

  /** @internal */
  releaseBacklog(n: number, movedOn: number): void {
    this.pipelineBacklog.release(n, movedOn);
  }

  /** @internal The serialize stage's side of `pipelineBacklog` (SerializationCounter). */
  addSerializing(n: number): void {
    this.pipelineBacklog.addSerializing(n);
  }

  /** @internal */
  releaseSerializing(n: number, movedOn: number): void {
    this.pipelineBacklog.releaseSerializing(n, movedOn);
  }

  /** @internal */
  get heldTotal(): number {
    return this.pipelineBacklog.heldTotal;
  }

  /** @internal */
  enqueue(batch: ProducerBatch): void {
    this.outstanding.add(batch);
    this.compressor.submit(batch);
  }

  /** @internal A batch given to enqueue() is done (each comes back here exactly once). */
  release(batch: ProducerBatch): void {
    if (batch.pooled) this.pool.deallocate(batch.buffer!);
    this.outstanding.delete(batch);
    if (this.flushWaiters.length > 0) this.releaseFlushWaiters(batch);
    this.checkIdle();
  }

  private releaseFlushWaiters(done: ProducerBatch): void {
    const waiting = this.flushWaiters;
    this.flushWaiters = [];
    for (let i = 0; i < waiting.length; i++) {
      waiting[i].batches.delete(done);
      if (waiting[i].batches.size === 0) waiting[i].resolve();
      else this.flushWaiters.push(waiting[i]);
    }
  }

  /** @internal A batch that was never enqueued (its stream stopped) gives its memory back. */
  discard(batch: ProducerBatch): void {
    if (batch.buffer !== null && batch.pooled) this.pool.deallocate(batch.buffer);
  }

  /** @internal A batch given to enqueue() was split (MESSAGE_TOO_LARGE): its parts are outstanding in its place. */
  split(batch: ProducerBatch, parts: ProducerBatch[]): void {
    this.outstanding.delete(batch);
    for (let i = 0; i < parts.length; i++) this.outstanding.add(parts[i]);
    for (let i = 0; i < this.flushWaiters.length; i++) {
      const waiting = this.flushWaiters[i].batches;
      if (waiting.delete(batch)) for (let j = 0; j < parts.length; j++) waiting.add(parts[j]);
    }
    // Last: returning memory may wake accumulators, which hand over batches at once. A part split
    // again has no pooled memory to return.
    if (batch.pooled) this.pool.deallocate(batch.buffer!);
  }

  private isIdle(): boolean {
    if (this.outstanding.size > 0 || this.pipelineBacklog.count > 0) return false;
    for (const acc of this.accumulators) if (!acc.isEmpty) return false;
    return true;
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (let i = 0; i < waiters.length; i++) waiters[i]();
  }
}

/** Creates a producer; nothing connects until the first record needs metadata. Throws ConfigError on bad options. */
export function createProducer(config: ProducerConfig, scheduler?: SchedulerLike): Producer {
  return new Producer(config, scheduler);
}
