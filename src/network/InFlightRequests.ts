import type { Api } from '../protocol/api';

/** One request sent on a connection and not yet completed. */
export interface InFlightRequest {
  readonly api: Api<any, any>;
  readonly version: number;
  readonly correlationId: number;
  /** When the request expires (monotonic clock, ms); deadlines grow in send order. */
  readonly deadlineMs: number;
  /**
   * For the ApiVersions request of the connection's own negotiation only: a body that does not
   * decode rejects just this request (the framing is intact, so the stream is still in sync) so
   * that negotiation can step down a version instead of losing the connection.
   */
  readonly keepConnectionOnDecodeError: boolean;
  readonly resolve: (response: any) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A FIFO of requests, oldest first. Kafka answers requests on one connection in the order they
 * were sent, so a response always belongs to `peek()`; and since every request gets the same
 * timeout, `peek()` also has the earliest deadline.
 *
 * An array with a moving head index: push and shift are O(1) amortised, without `Array.shift`.
 */
export class InFlightRequests<T = InFlightRequest> {
  /** Entries; the live ones are [head, items.length). */
  private items: T[] = [];
  /** Index of the oldest live entry. */
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    (this.items as Array<T | undefined>)[this.head] = undefined;
    this.head++;
    // Compact once the dead prefix dominates, so memory stays proportional to the live size.
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes and returns every entry, oldest first. */
  clear(): T[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return all;
  }
}
