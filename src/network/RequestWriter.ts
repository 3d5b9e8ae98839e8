import type * as net from 'node:net';
import type { Api } from '../protocol/api';
import { encodeRequestChunks } from '../protocol/frame';
import { Writer } from '../protocol/Writer';

const INITIAL_WRITER_BYTES = 16 * 1024;

/**
 * The outbox of one connection: encodes request frames into a reused Writer and writes each as one
 * gathered write (corked `socket.write`s, one `writev`), honouring backpressure — after a write
 * returns false, frames queue here until 'drain'.
 *
 * The queue is bounded from above: every queued frame belongs to a request the connection counts
 * in flight, and the sender caps requests in flight per connection (`maxInFlight`).
 *
 * Buffer ownership: a frame is the Writer's memory (headers, small fields, batches not worth
 * referencing: Writer.ts) around the buffers the request shares — its record batches, which their
 * owners leave untouched until the request's response or failure, by which time the socket is
 * done with them. `socket.write` does not copy: a frame the kernel did not take synchronously
 * stays referenced by the socket, so the Writer whose memory it views is handed over to the
 * socket and a new one is taken; a queued frame holds copies of the Writer's chunks. Steady
 * state allocates nothing per request but the chunk list.
 */
export class RequestWriter {
  /** Encodes requests; replaced when the socket may still read the memory of the last frame. */
  private writer = new Writer(INITIAL_WRITER_BYTES);
  /** Frames waiting for 'drain', oldest first (the Writer's chunks copied, shared ones not). */
  private queued: Buffer[][] = [];
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

  /** A complete frame (size prefix, header, body) as chunks viewing the Writer's memory: write it before the next encode. */
  encode(api: Api<any, any>, version: number, correlationId: number, clientId: string, req: unknown): Buffer[] {
    return encodeRequestChunks(this.writer, api, version, correlationId, clientId, req);
  }

  /** Writes (or queues) the frame just encoded; `onFlushed` runs once the socket has flushed it. */
  write(frame: Buffer[], onFlushed: ((err?: Error | null) => void) | null): void {
    if (this.waitingForDrain) {
      // The Writer's chunks view memory the next request overwrites: keep copies of those.
      const own = this.writer.buffer.buffer;
      const copy = new Array<Buffer>(frame.length);
      for (let i = 0; i < frame.length; i++) copy[i] = frame[i].buffer === own ? Buffer.from(frame[i]) : frame[i];
      this.queued.push(copy);
      this.queuedCallbacks.push(onFlushed);
      return;
    }
    const accepted = this.writeFrame(frame, onFlushed);
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
      if (!this.writeFrame(frame, onFlushed)) {
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

  /** One frame in one syscall: corked writes leave the socket as a single writev on uncork. */
  private writeFrame(frame: Buffer[], onFlushed: ((err?: Error | null) => void) | null): boolean {
    const socket = this.socket;
    // The Writer's tail chunk is empty when the frame ends with a shared buffer.
    let last = frame.length - 1;
    if (last > 0 && frame[last].length === 0) last--;
    if (last === 0) return onFlushed !== null ? socket.write(frame[0], onFlushed) : socket.write(frame[0]);
    socket.cork();
    for (let i = 0; i < last; i++) if (frame[i].length > 0) socket.write(frame[i]);
    const accepted = onFlushed !== null ? socket.write(frame[last], onFlushed) : socket.write(frame[last]);
    socket.uncork();
    return accepted;
  }
}
