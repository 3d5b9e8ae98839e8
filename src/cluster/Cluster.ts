import type { Logger } from 'pino';
import { Observable, Subject } from 'rxjs';
import { ConnectionError, RxKafkaError } from '../errors';
import { Metadata, type MetadataResponse } from '../protocol/Metadata';
import { formatAddress, parseAddresses } from '../network/address';
import { ExponentialBackoff } from '../network/Backoff';
import type { Connection } from '../network/Connection';
import type { ConnectionPool, PoolNode } from '../network/ConnectionPool';
import { MetadataCache, type BrokerNode, type TopicInfo } from './MetadataCache';
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
  /** Wall clock (injected by tests; pair with fake timers). */
  now?: () => number;
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
  private readonly backoff: ExponentialBackoff;
  private readonly logger: Logger;
  private readonly now: () => number;

  /** Topics refreshed by every Metadata request. Grows with `waitForTopic`; a topic leaves when waiting for it fails. */
  private readonly tracked = new Set<string>();
  /** Callers of `waitForTopic` not settled yet. */
  private readonly waiters = new TopicWaiters((topic, maxWaitMs) => this.onWaitTimeout(topic, maxWaitMs));
  /** The last error code metadata gave for a tracked topic without partitions (for timeout messages). */
  private readonly topicCodes = new Map<string, number>();

  /** The Metadata request in flight (at most one at a time); null when idle. */
  private inFlight: Promise<void> | null = null;
  /** Someone needs fresher metadata than the cache has; cleared when a refresh starts. */
  private updateRequested = false;
  /** Consecutive failed or incomplete refreshes; 0 after a complete one. Drives `backoff`. */
  private attempts = 0;
  /** No refresh is started by the timer before this time (rate limit, then retry backoff). */
  private notBeforeMs = 0;
  /** When the last successful refresh ended; -Infinity before the first. */
  private lastSuccessMs = -Infinity;
  /** Why the last refresh failed; null after a success. */
  private lastRefreshError: Error | null = null;
  /** The one refresh timer and when it fires; null/Infinity when none is armed. */
  private timer: NodeJS.Timeout | null = null;
  private timerDueMs = Infinity;
  /** Set once by `close()`. */
  private closed = false;
  /** The Metadata version of the last answered request; -1 before the first. */
  private negotiatedMetadataVersion = -1;

  constructor(private readonly opts: ClusterOptions) {
    this.pool = opts.pool;
    this.logger = opts.logger.child({ component: 'cluster' });
    this.now = opts.now ?? Date.now;
    this.backoff = new ExponentialBackoff(opts.retryBackoffMs, opts.retryBackoffMaxMs);
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
    this.updateRequested = true;
    this.scheduleNext();
  }

  /**
   * One Metadata request now for the tracked topics, ignoring the rate limit. If one is in flight,
   * returns that one (and asks for another after it). Rejects with a ConnectionError listing
   * every broker tried when none answered.
   */
  refresh(): Promise<void> {
    if (this.closed) return Promise.reject(new RxKafkaError('the cluster metadata is closed', false));
    if (this.inFlight !== null) {
      this.updateRequested = true;
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

  /** The node's connection if it is connected right now (never connects): the sender's hot path. */
  connectedConnection(nodeId: number): Connection | undefined {
    const node = this.cache.brokers.get(nodeId);
    return node === undefined ? undefined : this.pool.connected(node);
  }

  /** A connection to the least-loaded known broker (for requests any broker can answer, e.g. InitProducerId). */
  async leastLoadedConnection(): Promise<Connection> {
    if (this.cache.brokers.size === 0) await this.refresh();
    const failures: string[] = [];
    for (const node of this.candidates(false)) {
      try {
        return await this.pool.get(node);
      } catch (err) {
        failures.push(`${formatAddress(node.host, node.port)}: ${reason(err)}`);
      }
    }
    throw new ConnectionError(this.brokerList(), `no broker could be reached (${failures.join('; ')})`);
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
    this.clearTimer();
    this.waiters.rejectAll(closedError);
    this.updates.complete();
  }

  /** Adds a topic to every future request; a new topic is fetched at once (as Java's requestUpdateForNewTopics). */
  private track(name: string): void {
    if (this.tracked.has(name)) return;
    this.tracked.add(name);
    if (this.closed) return;
    this.notBeforeMs = 0;
    this.requestUpdate();
  }

  private async runRefresh(): Promise<void> {
    this.updateRequested = false;
    const topics = [...this.tracked];
    try {
      const { response, version } = await this.fetch(topics);
      this.negotiatedMetadataVersion = version;
      const incomplete = this.apply(response);
      const answered = new Set(response.topics.map((t) => t.name));
      for (const name of topics) if (!answered.has(name)) incomplete.push(name);
      this.lastSuccessMs = this.now();
      this.lastRefreshError = null;
      if (incomplete.length > 0) {
        // Leaderless partitions or missing topics: look again, backing off (KIP-580-like) while it persists.
        this.attempts++;
        this.updateRequested = true;
        this.logger.debug({ incomplete, attempts: this.attempts }, 'metadata incomplete; will refresh again');
      } else {
        this.attempts = 0;
      }
    } catch (err) {
      this.attempts++;
      this.updateRequested = true;
      this.lastRefreshError = err instanceof Error ? err : new Error(String(err));
      this.logger.debug({ err, attempts: this.attempts }, 'metadata refresh failed');
      throw err;
    } finally {
      this.notBeforeMs = this.now() + this.backoff.backoff(Math.max(0, this.attempts - 1));
      this.inFlight = null;
      this.scheduleNext();
    }
  }

  /** Sends Metadata to the first candidate broker that answers. */
  private async fetch(
    topics: string[] | null,
  ): Promise<{ response: MetadataResponse; version: number; connection: Connection }> {
    const failures: string[] = [];
    for (const node of this.candidates(true)) {
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
        failures.push(`${formatAddress(node.host, node.port)}: ${reason(err)}`);
      }
    }
    throw new ConnectionError(
      this.brokerList(),
      `no broker answered a Metadata request (tried ${failures.join('; ')}); ` +
        "check that 'brokers' lists reachable Kafka listeners (host:port) and that the brokers are up",
    );
  }

  /**
   * Where to send a request any broker can answer: connected brokers, least loaded first; then
   * known brokers not in reconnect backoff; then (if `withBootstrap`) bootstrap addresses not
   * already listed; last, those in backoff (they fail fast, but their reason makes the error complete).
   */
  private candidates(withBootstrap: boolean): PoolNode[] {
    const nowMs = this.now();
    const connected: Array<{ node: PoolNode; load: number }> = [];
    const idle: PoolNode[] = [];
    const backingOff: PoolNode[] = [];
    const addresses = new Set<string>();
    for (const node of this.cache.brokers.values()) {
      addresses.add(formatAddress(node.host, node.port));
      const connection = this.pool.connected(node);
      if (connection !== undefined) connected.push({ node, load: connection.inFlightCount });
      else if (this.pool.isBlackedOut(node.nodeId, nowMs)) backingOff.push(node);
      else idle.push(node);
    }
    connected.sort((a, b) => a.load - b.load);
    const out = connected.map((c) => c.node);
    out.push(...idle);
    if (withBootstrap) {
      for (const node of this.bootstrapNodes) {
        if (addresses.has(formatAddress(node.host, node.port))) continue;
        if (this.pool.isBlackedOut(node.nodeId, nowMs)) backingOff.push(node);
        else out.push(node);
      }
    }
    out.push(...backingOff);
    return out;
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
    if (this.tracked.size === 0) {
      this.updateRequested = false;
      this.clearTimer();
    }
  }

  /** Arms the one timer for the next refresh that is due: requested (after backoff), or age-based. */
  private scheduleNext(): void {
    if (this.closed || this.inFlight !== null) return;
    let dueMs: number;
    if (this.updateRequested) dueMs = this.notBeforeMs;
    else if (this.tracked.size > 0) dueMs = Math.max(this.lastSuccessMs + this.opts.metadataMaxAgeMs, this.notBeforeMs);
    else return;
    if (dueMs <= this.now()) {
      // Due now (a new topic, the first request): start at once rather than after a timer hop.
      this.clearTimer();
      this.startScheduledRefresh();
      return;
    }
    // An earlier timer re-evaluates when it fires; only a later one must be replaced.
    if (this.timer !== null && this.timerDueMs <= dueMs) return;
    this.clearTimer();
    this.timerDueMs = dueMs;
    this.timer = setTimeout(this.onTimer, Math.max(0, dueMs - this.now()));
    // A refresh alone must not keep the process alive (waiters and sockets do that).
    this.timer.unref?.();
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.timerDueMs = Infinity;
    if (this.closed || this.inFlight !== null) return;
    const nowMs = this.now();
    const due =
      nowMs >= this.notBeforeMs &&
      (this.updateRequested || (this.tracked.size > 0 && nowMs >= this.lastSuccessMs + this.opts.metadataMaxAgeMs));
    if (!due) {
      this.scheduleNext();
      return;
    }
    this.startScheduledRefresh();
  };

  private startScheduledRefresh(): void {
    this.refresh().catch(() => {
      // Logged in runRefresh; waiters see lastRefreshError; the retry is already scheduled.
    });
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerDueMs = Infinity;
  }

  private brokerList(): string {
    return this.bootstrapNodes.map((n) => formatAddress(n.host, n.port)).join(',');
  }
}

/** An error's message without the `connection to X: ` prefix when X is already named by the caller. */
function reason(err: unknown): string {
  if (err instanceof ConnectionError) return err.message.slice(`connection to ${err.broker}: `.length);
  return err instanceof Error ? err.message : String(err);
}

function closedError(topic: string): RxKafkaError {
  return new RxKafkaError(`the cluster metadata was closed while waiting for topic '${topic}'`, false);
}
