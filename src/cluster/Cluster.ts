import type { Logger } from 'pino';
import { Observable, Subject, type SchedulerLike } from 'rxjs';
import { asError, AuthenticationError, ConnectionError, RxKafkaError } from '../errors';
import { Metadata, type MetadataResponse } from '../protocol/Metadata';
import { realTime, type Time } from '../time/Time';
import { formatAddress, parseAddresses } from '../network/address';
import { ExponentialBackoff } from '../network/Backoff';
import type { Connection } from '../network/Connection';
import type { ConnectionEventSink } from '../network/ConnectionEvent';
import type { ConnectionPool, PoolNode } from '../network/ConnectionPool';
import { candidateBrokers, candidateFailure } from './candidateBrokers';
import { MetadataCache, type BrokerNode, type TopicInfo } from './MetadataCache';
import { RefreshSchedule } from './RefreshSchedule';
import { fatalTopicError, isFatalTopicError, topicWaitTimeoutError } from './topicErrors';
import { TopicWaiters } from './TopicWaiters';

export type { BrokerNode, PartitionInfo, TopicInfo } from './MetadataCache';

export interface ClusterOptions {
  /** Bootstrap addresses, `host:port` (entries may also be comma-separated lists). */
  bootstrap: readonly string[];
  pool: ConnectionPool;
  /** Tracked topics are refreshed at least this often, even without errors. */
  metadataMaxAgeMs: number;
  /** Minimum spacing of refreshes; grows exponentially up to `retryBackoffMaxMs` while they fail. */
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  allowAutoTopicCreation: boolean;
  logger: Logger;
  /** The refresh and wait timers and their clock (`time.scheduler`); default real time, tests give a virtual one. */
  time?: Time;
  /** Uniform [0, 1) for the retry backoff's jitter; tests may inject one. */
  random?: () => number;
  /** Told when no broker answered a Metadata request (`Producer.connectionEvents$`). */
  onEvent?: ConnectionEventSink;
}

/** What `describe()` returns: one Metadata answer, plus the API versions of the broker that gave it. */
export interface ClusterDescription {
  clusterId: string | null;
  controllerId: number;
  brokers: BrokerNode[];
  topics: TopicInfo[];
  apiVersions: Array<{ apiKey: number; minVersion: number; maxVersion: number }>;
  metadataVersion: number;
}

/**
 * The producer's view of the cluster (Java: `ProducerMetadata` + `DefaultMetadataUpdater`): which
 * brokers exist, which partitions each tracked topic has and who leads them; when to refresh
 * that (on request, rate-limited by the retry backoff, and every `metadataMaxAgeMs`); and where
 * to send the Metadata request (the least-loaded connected broker, then the other known
 * brokers, then the bootstrap addresses).
 *
 * @example
 * const cluster = new Cluster({ bootstrap: ['localhost:9092'], pool, metadataMaxAgeMs: 300000,
 *   retryBackoffMs: 100, retryBackoffMaxMs: 1000, allowAutoTopicCreation: true, logger });
 * const topic = await cluster.waitForTopic('events', 60000);
 * const leader = cluster.leaderFor('events', 0);
 */
export class Cluster {
  /** Emits after each applied metadata response. */
  readonly updates$: Observable<void>;

  private readonly updates = new Subject<void>();
  private readonly cache = new MetadataCache();
  private readonly pool: ConnectionPool;
  /** Bootstrap addresses as pool nodes with ids -1, -2, … (their real ids are not known). */
  private readonly bootstrapNodes: PoolNode[];
  /** When the next refresh is due (request, backoff, max age); owns the refresh timer. */
  private readonly schedule: RefreshSchedule;
  private readonly logger: Logger;
  /** Runs the refresh and wait timers; its `now()` is the clock of backoffs (as the pool's). */
  private readonly scheduler: SchedulerLike;

  /** Topics refreshed by every Metadata request. Grows with `waitForTopic`; a topic leaves when waiting for it fails. */
  private readonly tracked = new Set<string>();
  /** Callers of `waitForTopic` not settled yet. */
  private readonly waiters: TopicWaiters;
  /** The last error code metadata gave for a tracked topic without partitions (for timeout messages). */
  private readonly topicCodes = new Map<string, number>();

  /** The Metadata request in flight (at most one at a time); null when idle. */
  private inFlight: Promise<void> | null = null;
  /** Why the last refresh failed; null after a success. */
  private lastRefreshError: Error | null = null;
  /** Set once by `close()`. */
  private closed = false;
  /** The Metadata version of the last answered request; -1 before the first. */
  private negotiatedMetadataVersion = -1;

  constructor(private readonly opts: ClusterOptions) {
    this.pool = opts.pool;
    this.logger = opts.logger.child({ component: 'cluster' });
    this.scheduler = (opts.time ?? realTime).scheduler;
    this.waiters = new TopicWaiters(this.scheduler, (topic, maxWaitMs) => this.onWaitTimeout(topic, maxWaitMs));
    this.schedule = new RefreshSchedule(
      opts.metadataMaxAgeMs,
      new ExponentialBackoff(opts.retryBackoffMs, opts.retryBackoffMaxMs, undefined, undefined, opts.random),
      this.scheduler,
      {
        isBusy: () => this.closed || this.inFlight !== null,
        hasTopics: () => this.tracked.size > 0,
        refresh: () => this.refresh(),
      },
    );
    const addresses = parseAddresses(opts.bootstrap);
    if (addresses.length === 0) {
      throw new RxKafkaError("no bootstrap broker given: set 'brokers', e.g. ['localhost:9092']", false);
    }
    this.bootstrapNodes = addresses.map((a, i) => ({ nodeId: -(i + 1), host: a.host, port: a.port }));
    this.updates$ = this.updates.asObservable();
  }

  /** Brokers by node id, as of the last metadata response (empty before the first). */
  get brokers(): ReadonlyMap<number, BrokerNode> {
    return this.cache.brokers;
  }

  get clusterId(): string | null {
    return this.cache.clusterId;
  }

  get controllerId(): number {
    return this.cache.controllerId;
  }

  /** The Metadata version used for the last answered request (highest both sides support); -1 before. */
  get metadataVersion(): number {
    return this.negotiatedMetadataVersion;
  }

  /** Cached metadata for `name`; undefined if never fetched. */
  topic(name: string): TopicInfo | undefined {
    return this.cache.topic(name);
  }

  /** The partition leader's broker; undefined while unknown (call `requestUpdate()`). */
  leaderFor(topic: string, partition: number): BrokerNode | undefined {
    return this.cache.leaderFor(topic, partition);
  }

  /**
   * Resolves with the topic's metadata once it has partitions: at once if cached, else after
   * refreshes (retried with backoff). Rejects with a non-retriable error at once when the topic is
   * unusable (TOPIC_AUTHORIZATION_FAILED, INVALID_TOPIC_EXCEPTION), or after `maxWaitMs` with an
   * error saying what the brokers last said about the topic and what to do.
   */
  waitForTopic(name: string, maxWaitMs: number): Promise<TopicInfo> {
    const cached = this.cache.topic(name);
    if (cached !== undefined && cached.partitions.length > 0) {
      this.track(name);
      return Promise.resolve(cached);
    }
    if (this.closed) return Promise.reject(closedError(name));
    const waiting = this.waiters.add(name, maxWaitMs);
    this.track(name);
    return waiting;
  }

  /**
   * Asks for a refresh soon (after NOT_LEADER_OR_FOLLOWER, a disconnect, an unknown leader).
   * Calls coalesce into one request, spaced by the retry backoff.
   */
  requestUpdate(): void {
    if (this.closed) return;
    this.schedule.request();
  }

  /**
   * One Metadata request now for the tracked topics, ignoring the rate limit. If one is in flight,
   * returns that one (and asks for another after it). Rejects with a ConnectionError listing
   * every broker tried when none answered.
   */
  refresh(): Promise<void> {
    if (this.closed) return Promise.reject(new RxKafkaError('the cluster metadata is closed', false));
    if (this.inFlight !== null) {
      // Only marks the request: the schedule arms nothing while a refresh is in flight.
      this.schedule.request();
      return this.inFlight;
    }
    const refresh = this.runRefresh();
    this.inFlight = refresh;
    return refresh;
  }

  /** A connection to `nodeId` at its current address (connecting if needed), via the pool. */
  connection(nodeId: number): Promise<Connection> {
    const node = this.cache.brokers.get(nodeId);
    if (node === undefined) {
      this.requestUpdate();
      return Promise.reject(new RxKafkaError(`broker node ${nodeId} is not in the cluster metadata; refreshing`, true));
    }
    return this.pool.get(node);
  }

  /**
   * A connection to a broker named by a response rather than by metadata (a coordinator from
   * FindCoordinator): its address is taken as given.
   */
  connectionTo(node: { nodeId: number; host: string; port: number }): Promise<Connection> {
    if (this.closed) return Promise.reject(new RxKafkaError('the cluster metadata is closed', false));
    return this.pool.get(node);
  }

  /** The node's connection if it is connected right now (never connects): the sender's hot path. */
  connectedConnection(nodeId: number): Connection | undefined {
    const node = this.cache.brokers.get(nodeId);
    return node === undefined ? undefined : this.pool.connected(node);
  }

  /** A connection to the least-loaded known broker (for requests any broker can answer, e.g. InitProducerId). */
  async leastLoadedConnection(): Promise<Connection> {
    if (this.cache.brokers.size === 0) await this.refresh();
    const failures: string[] = [];
    let refusal: AuthenticationError | undefined;
    for (const node of candidateBrokers(this.cache.brokers, this.bootstrapNodes, false, this.pool, this.scheduler.now())) {
      try {
        return await this.pool.get(node);
      } catch (err) {
        if (err instanceof AuthenticationError) refusal ??= err;
        failures.push(candidateFailure(node, err));
      }
    }
    throw refusal ?? new ConnectionError(this.brokerList(), `no broker could be reached (${failures.join('; ')})`);
  }

  /**
   * One Metadata request for `topics` (null: all topics) regardless of tracking, with the API
   * versions of the broker that answered. Updates the cache too.
   */
  async describe(topics: string[] | null): Promise<ClusterDescription> {
    const { response, version, connection } = await this.fetch(topics);
    this.apply(response);
    return {
      clusterId: response.clusterId,
      controllerId: response.controllerId,
      brokers: [...this.cache.brokers.values()],
      topics: response.topics.filter((t) => t.name !== '').map((t) => this.cache.topic(t.name)!),
      apiVersions: [...connection.apiVersions].map(([apiKey, r]) => ({ apiKey, minVersion: r.minVersion, maxVersion: r.maxVersion })),
      metadataVersion: version,
    };
  }

  /** Stops refreshing and fails pending waits; the pool is the caller's to close. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.schedule.clearTimer();
    this.waiters.rejectAll(closedError);
    this.updates.complete();
  }

  /** Adds a topic to every future request; a new topic is fetched at once (as Java's requestUpdateForNewTopics). */
  private track(name: string): void {
    if (this.tracked.has(name)) return;
    this.tracked.add(name);
    if (this.closed) return;
    this.schedule.requestNow();
  }

  private async runRefresh(): Promise<void> {
    this.schedule.started();
    const topics = [...this.tracked];
    try {
      const { response, version } = await this.fetch(topics);
      this.negotiatedMetadataVersion = version;
      const incomplete = this.apply(response);
      const answered = new Set(response.topics.map((t) => t.name));
      for (const name of topics) if (!answered.has(name)) incomplete.push(name);
      // Leaderless partitions or missing topics: look again, backing off (KIP-580-like) while it persists.
      this.schedule.answered(incomplete.length === 0);
      this.lastRefreshError = null;
      if (incomplete.length > 0) {
        this.logger.debug({ incomplete, attempts: this.schedule.attempts }, 'metadata incomplete; will refresh again');
      }
    } catch (err) {
      this.schedule.failed();
      this.lastRefreshError = asError(err);
      this.logger.debug({ err, attempts: this.schedule.attempts }, 'metadata refresh failed');
      // As Java's fatal metadata error: waiting for it to pass would only delay the same answer.
      if (err instanceof AuthenticationError) this.waiters.rejectAll(() => err);
      throw err;
    } finally {
      this.schedule.ended();
      this.inFlight = null;
      this.schedule.schedule();
    }
  }

  /** Sends Metadata to the first candidate broker that answers. */
  private async fetch(
    topics: string[] | null,
  ): Promise<{ response: MetadataResponse; version: number; connection: Connection }> {
    const failures: string[] = [];
    let refusal: AuthenticationError | undefined;
    for (const node of candidateBrokers(this.cache.brokers, this.bootstrapNodes, true, this.pool, this.scheduler.now())) {
      try {
        const connection = await this.pool.get(node);
        const version = connection.versionFor(Metadata);
        const response = await connection.send(
          Metadata,
          { topics, allowAutoTopicCreation: this.opts.allowAutoTopicCreation },
          { version },
        );
        if (response.brokers.length === 0) throw new Error('it answered Metadata with no brokers');
        // A bootstrap connection has served its purpose once real brokers are known.
        if (node.nodeId < 0 && connection.inFlightCount === 0) this.pool.closeNode(node.nodeId);
        return { response, version, connection };
      } catch (err) {
        if (err instanceof AuthenticationError) refusal ??= err;
        failures.push(candidateFailure(node, err));
      }
    }
    // No broker answered and one refused our credentials or certificate: that is the problem, not reachability.
    if (refusal !== undefined) throw refusal;
    const error = new ConnectionError(
      this.brokerList(),
      `no broker answered a Metadata request (tried ${failures.join('; ')}); ` +
        "check that 'brokers' lists reachable Kafka listeners (host:port) and that the brokers are up",
    );
    if (!this.closed) this.opts.onEvent?.({ type: 'noBrokerAnswered', nodeId: -1, broker: this.brokerList(), error });
    throw error;
  }

  /** Updates the cache and settles waiters; returns the incomplete topics of the response. */
  private apply(response: MetadataResponse): string[] {
    const incomplete = this.cache.update(response);
    for (let i = 0; i < response.topics.length; i++) {
      const t = response.topics[i];
      const info = this.cache.topic(t.name);
      if (info === undefined) continue;
      if (info.partitions.length > 0) this.topicCodes.delete(t.name);
      else this.topicCodes.set(t.name, info.errorCode);
      if (!this.waiters.has(t.name)) continue;
      if (info.partitions.length > 0) this.waiters.resolve(t.name, info);
      else if (isFatalTopicError(info.errorCode)) {
        this.untrack(t.name);
        this.waiters.reject(t.name, fatalTopicError(t.name, info.errorCode));
      }
    }
    this.logger.debug({ brokers: response.brokers.length, topics: response.topics.length }, 'metadata updated');
    this.updates.next();
    return incomplete;
  }

  /** A waiter's time is up (it is already removed): stop polling a topic nobody waits for, and say why. */
  private onWaitTimeout(topic: string, maxWaitMs: number): Error {
    const code = this.topicCodes.get(topic);
    // A topic that never got partitions and has no waiter left is dropped, or a typo would cost a
    // Metadata request every retryBackoffMaxMs forever.
    if (!this.waiters.has(topic) && (this.cache.topic(topic)?.partitions.length ?? 0) === 0) this.untrack(topic);
    return topicWaitTimeoutError(topic, maxWaitMs, code, this.lastRefreshError, this.opts.allowAutoTopicCreation);
  }

  private untrack(name: string): void {
    this.tracked.delete(name);
    this.topicCodes.delete(name);
    this.cache.remove(name);
    // The retries were for topics nobody tracks any more.
    if (this.tracked.size === 0) this.schedule.dropRequest();
  }

  private brokerList(): string {
    return this.bootstrapNodes.map((n) => formatAddress(n.host, n.port)).join(',');
  }
}

function closedError(topic: string): RxKafkaError {
  return new RxKafkaError(`the cluster metadata was closed while waiting for topic '${topic}'`, false);
}
