import type * as net from 'node:net';
import type { Api } from '../protocol/api';
import { encodeRequest } from '../protocol/frame';
import { Writer } from '../protocol/Writer';

const INITIAL_WRITER_BYTES = 16 * 1024;

/**
 * The outbox of one connection: encodes request frames into a reused Writer and writes each with
 * one `socket.write`, honouring backpressure — after a write returns false, frames queue here
 * until 'drain'.
 *
 * The queue is bounded from above: every queued frame belongs to a request the connection counts
 * in flight, and the sender caps requests in flight per connection (`maxInFlight`).
 *
 * Buffer ownership: `socket.write` does not copy. A frame the kernel did not take synchronously
 * stays referenced by the socket, so the Writer whose memory it views is handed over to the socket
 * and a new one is taken; a queued frame is a copy. Steady state (the kernel keeps up) allocates
 * nothing per request.
 */
export class RequestWriter {
  /** Encodes requests; replaced when the socket may still read the memory of the last frame. */
  private writer = new Writer(INITIAL_WRITER_BYTES);
  /** Frames waiting for 'drain', oldest first (own copies, never views of `writer`). */
  private queued: Buffer[] = [];
  /** For each `queued` frame, its flush callback (acks=0 requests) or null. Same length as `queued`. */
  private queuedCallbacks: Array<((err?: Error | null) => void) | null> = [];
  /** True from a `socket.write` returning false until 'drain'. */
  private waitingForDrain = false;

  constructor(private readonly socket: net.Socket) {}

  /** Frames waiting for 'drain'. */
  get queuedCount(): number {
    return this.queued.length;
  }

  get isWaitingForDrain(): boolean {
    return this.waitingForDrain;
  }

  /** A complete frame (size prefix, header, body) viewing the Writer's memory: write it before the next encode. */
  encode(api: Api<any, any>, version: number, correlationId: number, clientId: string, req: unknown): Buffer {
    return encodeRequest(this.writer, api, version, correlationId, clientId, req);
  }

  /** Writes (or queues) the frame just encoded; `onFlushed` runs once the socket has flushed it. */
  write(frame: Buffer, onFlushed: ((err?: Error | null) => void) | null): void {
    if (this.waitingForDrain) {
      // `frame` views `writer`'s memory, which the next request overwrites: keep a copy.
      this.queued.push(Buffer.from(frame));
      this.queuedCallbacks.push(onFlushed);
      return;
    }
    const accepted = onFlushed !== null ? this.socket.write(frame, onFlushed) : this.socket.write(frame);
    // Bytes still buffered in the socket may include this frame: the Writer's memory is the socket's now.
    if (this.socket.writableLength > 0) this.writer = new Writer(this.writer.buffer.length);
    if (!accepted) this.waitingForDrain = true;
  }

  /** Call on the socket's 'drain': writes queued frames until the socket is full again. */
  drain(): void {
    this.waitingForDrain = false;
    let i = 0;
    while (i < this.queued.length) {
      const frame = this.queued[i];
      const onFlushed = this.queuedCallbacks[i];
      i++;
      const accepted = onFlushed !== null ? this.socket.write(frame, onFlushed) : this.socket.write(frame);
      if (!accepted) {
        this.waitingForDrain = true;
        break;
      }
    }
    this.queued.splice(0, i);
    this.queuedCallbacks.splice(0, i);
  }

  /** Forgets queued frames (the connection is closing). */
  clear(): void {
    this.queued = [];
    this.queuedCallbacks = [];
    this.waitingForDrain = false;
  }
}
