import type { Logger } from 'pino';
import { asyncScheduler, BehaviorSubject, distinctUntilChanged, isObservable, Observable, SchedulerLike, Subject, Subscription } from 'rxjs';
import { BatchCompressor } from '../accumulator/BatchCompressor';
import { BufferPool } from '../accumulator/BufferPool';
import type { Cluster } from '../cluster/Cluster';
import { ProducerConfig, ResolvedConfig, resolveConfig } from '../config/config';
import { ProducerClosedError, TransactionStateError } from '../errors';
import type { ProducerMetricsSnapshot } from '../metrics/MetricsSnapshot';
import { MetricsPublisher } from '../metrics/MetricsPublisher';
import { ProducerMetrics } from '../metrics/ProducerMetrics';
import type { ConnectionEvent } from '../network/ConnectionEvent';
import type { ConnectionPool } from '../network/ConnectionPool';
import { BuiltInPartitioner } from '../partitioners/BuiltInPartitioner';
import { buildPipeline } from '../pipeline/buildPipeline';
import { Interceptors } from '../pipeline/Interceptors';
import { PipelineBacklog } from '../pipeline/PipelineBacklog';
import type { PipelineHost } from '../pipeline/PipelineHost';
import { pullSource, type RecordSource } from '../pipeline/pullSource';
import { Sender } from '../sender/Sender';
import { after, timeOn, type Time } from '../time/Time';
import type { ConsumerGroupMetadata, OffsetToCommit } from '../transactions/sendOffsets';
import { sendTransactionally, type TransactionResult } from '../transactions/sendTransactionally';
import type { Transactions } from '../transactions/Transactions';
import type { Ack, AckMeta, ProducerRecord } from '../types';
import { idempotenceFor, networkFor, transactionsFor } from './engineParts';
import { IncompleteBatches } from './IncompleteBatches';

export type { RecordSource } from '../pipeline/pullSource';

/**
 * One producer: a cluster view, a connection per broker, the shared `bufferMemory`, one Sender.
 * Several streams may share it (`produce()` once per stream); each stream gets its own acks.
 *
 * @example
 * const producer = createProducer({ brokers: 'localhost:9092', topic: 'events' });
 * producer.produce(records$).subscribe((ack) => checkpoint(ack.meta));
 * await producer.close();
 */
export class Producer {
  readonly config: ResolvedConfig;
  /** @internal What the stages of every stream (operators/, produce()) take from this producer. */
  readonly pipelineHost: PipelineHost;
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
  /**
   * A snapshot of the producer's metrics every `metricsIntervalMs` (rates, averages and latency
   * percentiles over that interval), and a last one when the producer closes; then it completes.
   * Subscribers share one timer, which does not keep the process alive.
   *
   * @example
   * producer.metrics$.subscribe((m) => log.info({ recordsPerSec: m.recordSendRate, p99Ms: m.requestLatencyP99 }, 'producer'));
   */
  readonly metrics$: Observable<ProducerMetricsSnapshot>;
  /**
   * Connections made, failed and lost, and Metadata requests no broker answered, as they happen
   * (hot: only what happens after subscribing; completes on close). For diagnostics: the producer
   * retries by itself, and records fail only after `maxBlockMs` / `deliveryTimeoutMs`.
   *
   * @example
   * producer.connectionEvents$.subscribe((e) => {
   *   if (e.type !== 'connected') log.warn({ broker: e.broker, err: e.error }, e.type);
   * });
   */
  readonly connectionEvents$: Observable<ConnectionEvent>;
  private readonly connectionEvents = new Subject<ConnectionEvent>();
  private readonly logger: Logger;
  /** The clock and timers of every component (virtual in tests). */
  private readonly time: Time;
  private readonly connections: ConnectionPool;
  /** @internal The cluster view (the CLI's metadata command reads it). */
  readonly cluster: Cluster;
  private readonly pool: BufferPool;
  /** @internal */
  readonly sender: Sender;
  /** Compresses costly batches off the event loop on their way to the sender, keeping their order. */
  private readonly compressor: BatchCompressor;
  /** Lets go of the codec's own resources (zstd's worker threads) at close; a no-op for the others. */
  private readonly releaseCodec: () => void;
  private readonly backlog: PipelineBacklog;
  /** Batches handed over and not done, and the accumulate stages: what flush() and close() wait for. */
  private readonly incomplete: IncompleteBatches;
  private readonly metricsCounters: ProducerMetrics;
  private readonly metricsPublisher: MetricsPublisher;
  private readonly interceptors: Interceptors | null;
  private readonly bufferAvailableSubject: BehaviorSubject<number>;
  private readonly readySubject = new BehaviorSubject<boolean>(true);
  /** Keyless partitioning state per topic (KIP-794). */
  private readonly sticky = new Map<string, BuiltInPartitioner>();
  private closing: Promise<void> | null = null;
  private readonly metadataSubscription: Subscription;
  /** The transactional state (transactionalId set), else null. */
  private readonly transactions: Transactions | null;

  constructor(config: ProducerConfig | ResolvedConfig, scheduler: SchedulerLike = asyncScheduler) {
    this.config = resolveConfig(config);
    const c = this.config;
    this.time = timeOn(scheduler);
    // Every component's logger is a child of this one: each line says which client wrote it.
    const log = c.logger.child({ clientId: c.clientId });
    this.logger = log.child({ component: 'producer' });
    this.connectionEvents$ = this.connectionEvents.asObservable();
    ({ connections: this.connections, cluster: this.cluster } = networkFor(c, log, this.time, (e) => this.connectionEvents.next(e)));
    this.bufferAvailableSubject = new BehaviorSubject(c.bufferMemory);
    this.pool = new BufferPool(c.bufferMemory, c.batchSize, (bytes) => this.bufferAvailableSubject.next(bytes));
    this.bufferAvailable$ = this.bufferAvailableSubject.pipe(distinctUntilChanged());
    this.ready$ = this.readySubject.pipe(distinctUntilChanged());
    const idempotence = idempotenceFor(c, this.cluster, log, this.time);
    // Request latencies in virtual time under a test scheduler; in real runs on a monotonic clock
    // with sub-millisecond resolution (the scheduler's Date.now() would round most to 0 or 1 ms).
    this.metricsCounters = new ProducerMetrics(this.time.preciseNow);
    // Built before the sender, which takes it: the sender is reached when called.
    const toSender = { flush: () => this.flush(), wakeup: () => this.sender.wakeup() };
    this.transactions = transactionsFor(c, idempotence, this.cluster, toSender, log, this.time);
    this.sender = new Sender({
      config: c,
      cluster: this.cluster,
      scheduler,
      logger: log.child({ component: 'sender' }),
      retryBackoffMs: c.retryBackoffMs,
      retryBackoffMaxMs: c.retryBackoffMaxMs,
      idempotence,
      transactions: this.transactions,
      onPartitionDrained: (topic, partition) => this.incomplete.partitionDrained(topic, partition),
      metrics: this.metricsCounters,
    });
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
    this.releaseCodec = c.compressionCodec?.retain?.() ?? ((): void => {});
    this.compressor = new BatchCompressor(
      (batch) => this.sender.enqueue(batch),
      (batch, err) => compressionLog.warn({ err, topic: batch.topic, partition: batch.partition }, 'compression failed: the batch is sent uncompressed'),
    );
    this.backlog = new PipelineBacklog((room) => this.readySubject.next(room));
    this.incomplete = new IncompleteBatches(
      this.pool,
      this.backlog,
      (batch) => this.compressor.submit(batch),
      (topic, partition) => this.sender.hasQueued(topic, partition),
    );
    this.pipelineHost = {
      config: c,
      time: this.time,
      cluster: this.cluster,
      pool: this.pool,
      backlog: this.backlog,
      batches: this.incomplete,
      interceptors: this.interceptors,
      metrics: this.metricsCounters,
      stickyPartitioner: (topic) => this.stickyPartitioner(topic),
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
   * log.info({ sent: m.recordSendTotal, failed: m.recordErrorTotal, p99Ms: m.requestLatencyP99 }, 'producer');
   */
  metrics(): ProducerMetricsSnapshot {
    return this.metricsPublisher.snapshot();
  }

  /**
   * Produces a stream of records and returns the stream of their acks, one per record.
   * Observables are pushed sources (bounded by `bufferPolicy`); iterables, async iterables and Node
   * readables are pulled only while the producer has room. When the source completes, the acks
   * stream completes once every record taken has its ack; `close(timeoutMs)` bounds that wait.
   */
  produce<K = unknown, V = unknown, M = unknown, R extends ProducerRecord<K, V, M> = ProducerRecord<K, V, M>>(
    source: RecordSource<R>,
  ): Observable<Ack<AckMeta<M, R>>> {
    const records$ = isObservable(source) ? source : pullSource(source as Iterable<R> | AsyncIterable<R>, this.backlog);
    // The stages carry meta untouched from record to ack: its type on the acks is the records' own.
    return buildPipeline<K, V, AckMeta<M, R>>(records$ as Observable<ProducerRecord<K, V, AckMeta<M, R>>>, this.pipelineHost);
  }

  /**
   * Sends every open batch now (lingerMs is ignored until the flush is over, as in Java) and
   * resolves when every record given to the producer before the call is acked or failed. Records
   * that arrive after it are not waited for (Java's flush waits for the batches that exist when
   * it is called): under a continuous stream it returns as soon as the earlier records settled.
   * Records held back at the call (waiting for metadata or memory) count as given: Java's send()
   * would have waited for them before returning.
   */
  flush(): Promise<void> {
    return this.incomplete.flush();
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
  sendTransactionally<K = unknown, V = unknown, M = unknown, R extends ProducerRecord<K, V, M> = ProducerRecord<K, V, M>>(
    transactions$: Observable<RecordSource<R>>,
  ): Observable<TransactionResult<AckMeta<M, R>>> {
    const txns = this.transactional('sendTransactionally()');
    return sendTransactionally<R, AckMeta<M, R>>((records) => this.produce<K, V, M, R>(records), txns, transactions$, this.logger);
  }

  private transactional(call: string): Transactions {
    if (this.transactions === null) {
      throw new TransactionStateError(`${call} needs a transactional producer: set transactionalId (a name stable across restarts of this producer)`);
    }
    return this.transactions;
  }

  /**
   * Sends everything, waiting at most `timeoutMs` (default `deliveryTimeoutMs`) until every record
   * given to the producer — also those still arriving meanwhile — is acked or failed; then fails
   * what is left with ProducerClosedError and closes every connection. Never hangs past the timeout.
   * A transactional producer aborts its open transaction first, within the same timeout (as Java's
   * sender does on a graceful close): its unsent records fail with TransactionAbortedError.
   */
  close(timeoutMs: number = this.config.deliveryTimeoutMs): Promise<void> {
    if (this.closing === null) this.closing = this.closeWithin(timeoutMs);
    return this.closing;
  }

  private async closeWithin(timeoutMs: number): Promise<void> {
    const aborting = this.transactions?.abortOngoing();
    // Flushes every open batch at once; then waits for what is left, or not at all for a 0 ms
    // timeout (Java's close(Duration.ZERO) does not wait either).
    const settled = Promise.all([aborting, this.incomplete.drain()]);
    if (timeoutMs > 0) {
      let cancelTimeout = (): void => {};
      await Promise.race([settled, new Promise<void>((resolve) => (cancelTimeout = after(this.time.scheduler, timeoutMs, resolve)))]);
      cancelTimeout();
    }
    this.transactions?.close();
    this.sender.close(new ProducerClosedError(`the producer was closed before the record was acknowledged (close timeout ${timeoutMs} ms)`));
    // A flush() still waiting has nothing more to wait for: what it waited for failed.
    this.incomplete.releaseAllWaiters();
    this.metadataSubscription.unsubscribe();
    this.metricsPublisher.close();
    this.interceptors?.close();
    this.bufferAvailableSubject.complete();
    this.readySubject.complete();
    this.cluster.close();
    this.connections.close();
    this.releaseCodec();
    this.connectionEvents.complete();
    const m = this.metricsCounters;
    this.logger.debug({ recordSendTotal: m.recordSendTotal, recordRetryTotal: m.recordRetryTotal, recordErrorTotal: m.recordErrorTotal }, 'producer closed');
  }

  private stickyPartitioner(topic: string): BuiltInPartitioner {
    let p = this.sticky.get(topic);
    if (p === undefined) {
      p = new BuiltInPartitioner();
      this.sticky.set(topic, p);
    }
    return p;
  }
}

/** Creates a producer; nothing connects until the first record needs metadata. Throws ConfigError on bad options. */
export function createProducer(config: ProducerConfig, scheduler?: SchedulerLike): Producer {
  return new Producer(config, scheduler);
}
