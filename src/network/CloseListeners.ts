import type { Logger } from 'pino';

/**
 * Who to tell when a connection closes: each listener once, with the cause. A listener that
 * throws is logged and the others are still told, since closing runs inside socket callbacks.
 */
export class CloseListeners {
  /** Listeners not told yet; emptied by `notify`. */
  private readonly listeners = new Set<(cause: Error | undefined) => void>();

  /** Adds `listener`; returns its removal. */
  add(listener: (cause: Error | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Tells every listener, then forgets them all. */
  notify(cause: Error | undefined, logger: Logger): void {
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) {
      try {
        listener(cause);
      } catch (err) {
        logger.error({ err }, 'a close listener threw');
      }
    }
  }
}
