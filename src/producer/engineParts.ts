import type { Logger } from 'pino';
import { Cluster } from '../cluster/Cluster';
import type { ResolvedConfig } from '../config/config';
import { IdempotenceManager } from '../idempotence/IdempotenceManager';
import { ExponentialBackoff } from '../network/Backoff';
import type { ConnectionEventSink } from '../network/ConnectionEvent';
import { ConnectionPool } from '../network/ConnectionPool';
import type { Time } from '../time/Time';
import { CoordinatorClient } from '../transactions/CoordinatorClient';
import { Transactions, type TransactionsHost } from '../transactions/Transactions';

/**
 * How the producer's parts are built from its resolved config: each function one part, each
 * part's logger a child of the producer's (`log`, which carries the client id).
 */

/** One connection per broker, and the cluster view (metadata) over them; both report to `onEvent`. */
export function networkFor(
  c: ResolvedConfig,
  log: Logger,
  time: Time,
  onEvent?: ConnectionEventSink,
): { connections: ConnectionPool; cluster: Cluster } {
  const connections = new ConnectionPool({
    clientId: c.clientId,
    requestTimeoutMs: c.requestTimeoutMs,
    connectionSetupTimeoutMs: c.socketConnectionSetupTimeoutMs,
    reconnectBackoffMs: c.reconnectBackoffMs,
    reconnectBackoffMaxMs: c.reconnectBackoffMaxMs,
    logger: log,
    tls: c.ssl,
    sasl: c.sasl,
    time,
    onEvent,
  });
  const cluster = new Cluster({
    bootstrap: c.brokers,
    pool: connections,
    metadataMaxAgeMs: c.metadataMaxAgeMs,
    retryBackoffMs: c.retryBackoffMs,
    retryBackoffMaxMs: c.retryBackoffMaxMs,
    allowAutoTopicCreation: c.allowAutoTopicCreation,
    logger: log,
    time,
    onEvent,
  });
  return { connections, cluster };
}

/** The producer id, epoch and sequences when idempotence is on (Java's rules decide), else null. */
export function idempotenceFor(c: ResolvedConfig, cluster: Cluster, log: Logger, time: Time): IdempotenceManager | null {
  if (!c.idempotence) return null;
  return new IdempotenceManager(
    cluster,
    new ExponentialBackoff(c.retryBackoffMs, c.retryBackoffMaxMs),
    c.deliveryTimeoutMs,
    log.child({ component: 'idempotence' }),
    time.scheduler,
  );
}

/** The transactional state on top of idempotence when `transactionalId` is set, else null. */
export function transactionsFor(
  c: ResolvedConfig,
  idempotence: IdempotenceManager | null,
  cluster: Cluster,
  host: TransactionsHost,
  log: Logger,
  time: Time,
): Transactions | null {
  if (c.transactionalId === null) return null;
  // resolveConfig turns idempotence on for a transactional producer (and refuses it off).
  if (idempotence === null) throw new Error('a transactional producer is idempotent: resolveConfig should have enforced it');
  const backoff = new ExponentialBackoff(c.retryBackoffMs, c.retryBackoffMaxMs);
  return new Transactions(
    { transactionalId: c.transactionalId, transactionTimeoutMs: c.transactionTimeoutMs, maxBlockMs: c.maxBlockMs, deliveryTimeoutMs: c.deliveryTimeoutMs },
    idempotence,
    new CoordinatorClient(cluster, backoff, log.child({ component: 'coordinator' }), time.scheduler),
    host,
    log.child({ component: 'transactions', transactionalId: c.transactionalId }),
  );
}
