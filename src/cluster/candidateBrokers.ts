import { ConnectionError, messageOf } from '../errors';
import { formatAddress } from '../network/address';
import type { ConnectionPool, PoolNode } from '../network/ConnectionPool';
import type { BrokerNode } from './MetadataCache';

/**
 * Where to send a request any broker can answer (Java: `NetworkClient.leastLoadedNode`):
 * connected brokers, least loaded first; then known brokers not in reconnect backoff; then (if
 * `withBootstrap`) bootstrap addresses not already listed; last, those in backoff (they fail
 * fast, but their reason makes the error complete).
 */
export function candidateBrokers(
  brokers: ReadonlyMap<number, BrokerNode>,
  bootstrapNodes: readonly PoolNode[],
  withBootstrap: boolean,
  pool: ConnectionPool,
  nowMs: number,
): PoolNode[] {
  const connected: Array<{ node: PoolNode; load: number }> = [];
  const idle: PoolNode[] = [];
  const backingOff: PoolNode[] = [];
  const addresses = new Set<string>();
  for (const node of brokers.values()) {
    addresses.add(formatAddress(node.host, node.port));
    const connection = pool.connected(node);
    if (connection !== undefined) connected.push({ node, load: connection.inFlightCount });
    else if (pool.isBlackedOut(node.nodeId, nowMs)) backingOff.push(node);
    else idle.push(node);
  }
  connected.sort((a, b) => a.load - b.load);
  const out = connected.map((c) => c.node);
  out.push(...idle);
  if (withBootstrap) {
    for (const node of bootstrapNodes) {
      if (addresses.has(formatAddress(node.host, node.port))) continue;
      if (pool.isBlackedOut(node.nodeId, nowMs)) backingOff.push(node);
      else out.push(node);
    }
  }
  out.push(...backingOff);
  return out;
}

/** One line of a "no broker could be reached" error: the candidate's address and why it failed. */
export function candidateFailure(node: PoolNode, err: unknown): string {
  return `${formatAddress(node.host, node.port)}: ${reason(err)}`;
}

/** An error's message without the `connection to X: ` prefix when X is already named by the caller. */
function reason(err: unknown): string {
  if (err instanceof ConnectionError) return err.message.slice(`connection to ${err.broker}: `.length);
  return messageOf(err);
}
