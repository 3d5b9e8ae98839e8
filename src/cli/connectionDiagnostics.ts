import type { Observable, Subscription } from 'rxjs';
import type { ConnectionEvent } from '../network/ConnectionEvent';

/** At most one line per broker in this time, so that a broker down for minutes is a few lines, not thousands. */
export const DIAGNOSTIC_INTERVAL_MS = 5000;

/** What was last said about one broker (or about the cluster, for noBrokerAnswered). */
interface Reported {
  /** When the last line was written (`now()`). */
  atMs: number;
  /** Failures since that line, not written. */
  suppressed: number;
}

/**
 * Connection problems on stderr as they happen, while the producer still retries (kcat prints
 * each failed connection too): failed connects, lost connections, Metadata requests no broker
 * answered — each with the broker's address and the error, rate-limited per broker; and the
 * reconnect, once a failure of that broker was reported. `flags` rewrites option names as flags.
 */
export function reportConnectionProblems(
  events$: Observable<ConnectionEvent>,
  stream: NodeJS.WritableStream,
  flags: (message: string) => string,
  now: () => number = Date.now,
  intervalMs: number = DIAGNOSTIC_INTERVAL_MS,
): Subscription {
  // Broker address ('metadata ' + the bootstrap list for noBrokerAnswered) → the last line about it.
  const reported = new Map<string, Reported>();
  return events$.subscribe((e) => {
    if (e.type === 'connected') {
      if (reported.delete(e.broker)) stream.write(`rxkafka: connected to ${e.broker}\n`);
      return;
    }
    // A broker's failures and the cluster's "no broker answered" are limited apart: both are news.
    const key = e.type === 'noBrokerAnswered' ? `metadata ${e.broker}` : e.broker;
    const last = reported.get(key);
    const nowMs = now();
    if (last !== undefined && nowMs - last.atMs < intervalMs) {
      last.suppressed++;
      return;
    }
    const more = last !== undefined && last.suppressed > 0 ? ` (${last.suppressed} more not shown since the last line)` : '';
    reported.set(key, { atMs: nowMs, suppressed: 0 });
    stream.write(`rxkafka: ${flags(describe(e))}${more}\n`);
  });
}

function describe(e: Exclude<ConnectionEvent, { type: 'connected' }>): string {
  switch (e.type) {
    case 'connectFailed':
      return `cannot connect${naming(e)}, retrying: ${e.error.message}`;
    case 'disconnected':
      return `lost the connection${naming(e)}, reconnecting: ${e.error.message}`;
    case 'noBrokerAnswered':
      return `still waiting for a broker (until maxBlockMs ends): ${e.error.message}`;
  }
}

/** " to host:port", unless the error's message names the broker already. */
function naming(e: { broker: string; error: Error }): string {
  return e.error.message.includes(e.broker) ? '' : ` to ${e.broker}`;
}
