import type { Logger } from 'pino';
import { asyncScheduler, BehaviorSubject, distinctUntilChanged, isObservable, Observable, SchedulerLike, Subscription } from 'rxjs';
import { Cluster } from '../cluster/Cluster';
import { ConnectionPool } from '../network/ConnectionPool';
import { ExponentialBackoff } from '../network/Backoff';
import { BuiltInPartitioner } from '../partitioners/BuiltInPartitioner';
import type { Ack, ProducerRecord } from '../types';
import { AckStageHost } from './AckStage';
import { BufferPool } from './BufferPool';
import { ProducerConfig, ResolvedConfig, resolveConfig } from './config';
import type { ProducerBatch } from './ProducerBatch';
import type { Backlog, RecordAccumulator } from './RecordAccumulator';
import { pullSource, PullGate } from './pullSource';
import { Sender } from './Sender';
import { TransactionManager } from './TransactionManager';
import { ProducerClosedError } from '../errors';
import { buildPipeline } from './pipeline';

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
export class Producer implements AckStageHost, PullGate {
  readonly config: ResolvedConfig;
  /** @internal */ readonly logger: Logger;
  /** @internal */ readonly scheduler: SchedulerLike;
  /** @internal */ readonly cluster: Cluster;
  /** @internal */ readonly pool: BufferPool;
  /** @internal */ readonly sender: Sender;
  private readonly connections: ConnectionPool;
  /**
   * Bytes of `bufferMemory` free now, emitted as batches take and return memory: a source that can
   * pause itself (a consumer, a socket, a paginated API) can watch it (DESIGN.md, backpressure 3).
   */
  readonly bufferAvailable$: Observable<number>;
  /**
   * true while the producer takes records without holding any back; false while some wait for
   * memory or metadata. Pulled sources pause on it by themselves; pushed ones can pause on it.
   */
  readonly ready$: Observable<boolean>;
  private readonly bufferAvailableSubject: BehaviorSubject<number>;
  private readonly readySubject = new BehaviorSubject<boolean>(true);
  /** Keyless partitioning state per topic (KIP-794). */
  private readonly sticky = new Map<string, BuiltInPartitioner>();
  /** Live accumulate stages, so that flush() reaches every open batch. */
  private readonly accumulators = new Set<RecordAccumulator>();
  /** Records held in stage queues (metadata or memory waits); pulled sources pause while > 0. */
  private backlogCount = 0;
  /** Batches handed to the sender and not yet done. */
  private readonly outstanding = new Set<ProducerBatch>();
  /** Records that ever left the backlog (moved on into batches, or failed): flush() counts on it. */
  private backlogLeft = 0;
  /** Resolvers waiting for room (pulled sources) and for idleness (close). */
  private roomWaiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  /** flush() calls waiting for the backlog they saw to move on, then for the batches they saw. */
  private backlogWaiters: Array<{ target: number; resolve: () => void }> = [];
  private flushWaiters: Array<{ batches: Set<ProducerBatch>; resolve: () => void }> = [];
  private closing: Promise<void> | null = null;
  /** flush() calls not yet resolved; while > 0, batches do not linger. */
  private flushesInProgress = 0;
  private readonly metadataSubscription: Subscription;

  constructor(config: ProducerConfig | ResolvedConfig, scheduler: SchedulerLike = asyncScheduler) {
    this.config = resolveConfig(config);
    const c = this.config;
    this.scheduler = scheduler;
    this.logger = c.logger.child({ component: 'producer', clientId: c.clientId });
    this.connections = new ConnectionPool({
      clientId: c.clientId,
      requestTimeoutMs: c.requestTimeoutMs,
      connectionSetupTimeoutMs: c.socketConnectionSetupTimeoutMs,
      reconnectBackoffMs: c.reconnectBackoffMs,
      reconnectBackoffMaxMs: c.reconnectBackoffMaxMs,
      logger: c.logger,
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
      logger: c.logger,
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
          c.logger.child({ component: 'idempotence' }),
          scheduler,
        )
      : null;
    this.sender = new Sender(
      c,
      this.cluster,
      txn,
      scheduler,
      c.logger.child({ component: 'sender' }),
      c.retryBackoffMs,
      c.retryBackoffMaxMs,
    );
    this.sender.onPartitionDrained = (topic, partition) => {
      for (const acc of this.accumulators) acc.partitionReady(topic, partition);
    };
    // New leaders may make queued batches sendable.
    this.metadataSubscription = this.cluster.updates$.subscribe(this.sender.wakeup);
  }

  /**
   * Produces a stream of records and returns the stream of their acks, one per record.
   * Observables are pushed sources (bounded by `bufferPolicy`); iterables, async iterables and Node
   * readables are pulled only while the producer has room.
   */
  produce<K = unknown, V = unknown, M = unknown>(source: RecordSource<ProducerRecord<K, V, M>>): Observable<Ack<M>> {
    const records$ = isObservable(source)
      ? source
      : pullSource(source as Iterable<ProducerRecord<K, V, M>> | AsyncIterable<ProducerRecord<K, V, M>>, this);
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
      if (this.backlogCount > 0) {
        // The backlog is released in arrival order per stage; once as many records have left it
        // as it held at the call, they are in batches (or failed).
        const target = this.backlogLeft + this.backlogCount;
        await new Promise<void>((resolve) => this.backlogWaiters.push({ target, resolve }));
      }
      for (const acc of this.accumulators) acc.flush();
      if (this.outstanding.size > 0) {
        const batches = new Set(this.outstanding);
        await new Promise<void>((resolve) => this.flushWaiters.push({ batches, resolve }));
      }
    } finally {
      this.flushesInProgress--;
    }
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
   */
  close(timeoutMs: number = this.config.deliveryTimeoutMs): Promise<void> {
    if (this.closing === null) {
      this.closing = (async () => {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          this.drain(),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, timeoutMs);
          }),
        ]);
        clearTimeout(timer);
        this.sender.close(new ProducerClosedError(`the producer was closed before the record was acknowledged (close timeout ${timeoutMs} ms)`));
        // A flush() still waiting has nothing more to wait for: what it waited for failed.
        for (const w of this.backlogWaiters.splice(0)) w.resolve();
        for (const w of this.flushWaiters.splice(0)) w.resolve();
        this.metadataSubscription.unsubscribe();
        this.bufferAvailableSubject.complete();
        this.readySubject.complete();
        this.cluster.close();
        this.connections.close();
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
    add: (n: number): void => self.addBacklog(n),
    get flushing(): boolean {
      return self.flushesInProgress > 0;
    },
    partitionBusy: (topic: string, partition: number): boolean => self.sender.hasQueued(topic, partition),
  }))(this);

  /** @internal A stage holds `n` more (or, negative, fewer) records back. */
  addBacklog(n: number): void {
    const before = this.backlogCount;
    this.backlogCount += n;
    if (n < 0) {
      this.backlogLeft -= n;
      if (this.backlogWaiters.length > 0) this.releaseBacklogWaiters();
    }
    if (before === 0 && this.backlogCount > 0) this.readySubject.next(false);
    else if (before > 0 && this.backlogCount === 0) this.readySubject.next(true);
    if (this.backlogCount === 0 && this.roomWaiters.length > 0) {
      const waiters = this.roomWaiters;
      this.roomWaiters = [];
      for (let i = 0; i < waiters.length; i++) waiters[i]();
    }
  }

  /** @internal */
  hasRoom(): boolean {
    return this.backlogCount === 0;
  }

  /** @internal */
  whenRoom(): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** @internal */
  enqueue(batch: ProducerBatch): void {
    this.outstanding.add(batch);
    this.sender.enqueue(batch);
  }

  /** @internal A batch given to enqueue() is done (each comes back here exactly once). */
  release(batch: ProducerBatch): void {
    this.pool.deallocate(batch.buffer!);
    this.outstanding.delete(batch);
    if (this.flushWaiters.length > 0) this.releaseFlushWaiters(batch);
    this.checkIdle();
  }

  private releaseBacklogWaiters(): void {
    const waiting = this.backlogWaiters;
    this.backlogWaiters = [];
    for (let i = 0; i < waiting.length; i++) {
      if (this.backlogLeft >= waiting[i].target) waiting[i].resolve();
      else this.backlogWaiters.push(waiting[i]);
    }
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
    if (batch.buffer !== null) this.pool.deallocate(batch.buffer);
  }

  private isIdle(): boolean {
    if (this.outstanding.size > 0 || this.backlogCount > 0) return false;
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
