import type { Api } from '../protocol/api';
import { Fifo } from '../collections/Fifo';

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

/** Latest acks=0 correlation ids remembered (see `isUnsolicited`). */
const MAX_UNANSWERED_IDS = 1024;

/**
 * The requests of one connection that are not complete (Java: `InFlightRequests`, per node).
 *
 * Kafka answers the requests of a connection in the order they were sent, so a response always
 * belongs to the oldest request awaiting one; and since every request gets the same timeout,
 * the oldest requests hold the earliest deadlines.
 */
export class InFlightRequests {
  /** Requests awaiting a response, in send order (= response order). */
  private readonly awaitingResponse = new Fifo<InFlightRequest>();
  /** Requests without a response (acks=0) not yet flushed to the socket, in write order. */
  private readonly awaitingFlush = new Fifo<InFlightRequest>();
  /**
   * Correlation ids of the latest requests sent without expecting a response, oldest first, at
   * most MAX_UNANSWERED_IDS. A real broker never answers them, but librdkafka's mock cluster
   * answers acks=0 Produce anyway; such an answer is dropped (as librdkafka does) instead of
   * being taken for a protocol error.
   */
  private readonly unansweredIds = new Fifo<number>();

  /** Requests not complete: awaiting a response, or (acks=0) a flush. */
  get count(): number {
    return this.awaitingResponse.size + this.awaitingFlush.size;
  }

  add(entry: InFlightRequest, expectResponse: boolean): void {
    if (expectResponse) {
      this.awaitingResponse.push(entry);
      return;
    }
    this.awaitingFlush.push(entry);
    this.unansweredIds.push(entry.correlationId);
    if (this.unansweredIds.size > MAX_UNANSWERED_IDS) this.unansweredIds.shift();
  }

  /** The request the next response answers. */
  nextToComplete(): InFlightRequest | undefined {
    return this.awaitingResponse.peek();
  }

  /** Removes the request `nextToComplete()` returned. */
  completeNext(): void {
    this.awaitingResponse.shift();
  }

  /** The oldest acks=0 request was flushed: removes and returns it (write callbacks come in write order). */
  completeFlushed(): InFlightRequest | undefined {
    return this.awaitingFlush.shift();
  }

  /**
   * True if `correlationId` belongs to a request sent without expecting a response; that id and
   * older ones are forgotten (answers come in send order, so the older ones never will be).
   */
  isUnsolicited(correlationId: number): boolean {
    const ids = this.unansweredIds;
    for (let i = 0, n = ids.size; i < n; i++) if (ids.shift() === correlationId) return true;
    return false;
  }

  /** The request with the earliest deadline. */
  oldest(): InFlightRequest | undefined {
    const a = this.awaitingResponse.peek();
    const b = this.awaitingFlush.peek();
    if (a === undefined) return b;
    if (b === undefined) return a;
    return a.deadlineMs <= b.deadlineMs ? a : b;
  }

  /** Removes and returns every request (the connection is closing). */
  clear(): InFlightRequest[] {
    const all = this.awaitingResponse.clear();
    all.push(...this.awaitingFlush.clear());
    this.unansweredIds.clear();
    return all;
  }
}
