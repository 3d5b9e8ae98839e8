import { ProtocolDecodeError } from '../errors';

const SIZE_BYTES = 4;
const EMPTY = Buffer.alloc(0);

/**
 * Cuts a TCP byte stream into Kafka response frames (`int32 size` then `size` bytes).
 *
 * TCP delivers chunks that split and coalesce frames arbitrarily. Chunks are kept as they arrive
 * (no concatenation per chunk, which would be quadratic for a large frame arriving in many small
 * chunks); a frame is handed out as a zero-copy slice when it lies inside one chunk, else it is
 * copied once into a buffer of its exact size. Every byte is therefore copied at most once.
 */
export class FrameDecoder {
  /** Received chunks not yet consumed, oldest first; `chunks[0]` is consumed up to `headOffset`. */
  private chunks: Buffer[] = [];
  /** How much of `chunks[0]` was already handed out. Invariant: < chunks[0].length when chunks is non-empty. */
  private headOffset = 0;
  /** Unconsumed bytes across `chunks` (counting from `headOffset`). */
  private bufferedBytes = 0;
  /** Size of the frame being assembled, once its 4-byte prefix was read; -1 while waiting for a prefix. */
  private frameBytes = -1;

  /**
   * @param maxFrameBytes a size prefix above this is treated as corruption (or a non-Kafka peer,
   *   e.g. a TLS or HTTP server answering on the port), not as a request to buffer that much.
   * @param onFrame called once per complete frame (without its size prefix), in order.
   */
  constructor(
    private readonly maxFrameBytes: number,
    private readonly onFrame: (frame: Buffer) => void,
  ) {}

  /** Feeds one chunk; calls `onFrame` for every frame it completes. Throws ProtocolDecodeError on a bad size. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.length;
    for (;;) {
      if (this.frameBytes < 0) {
        if (this.bufferedBytes < SIZE_BYTES) return;
        const size = this.take(SIZE_BYTES).readInt32BE(0);
        if (size < 0 || size > this.maxFrameBytes) {
          throw new ProtocolDecodeError(
            `response frame size ${size} is outside 0..${this.maxFrameBytes} bytes ` +
              '(is this port a Kafka listener with the right security protocol?)',
          );
        }
        this.frameBytes = size;
      }
      if (this.bufferedBytes < this.frameBytes) return;
      const frame = this.take(this.frameBytes);
      this.frameBytes = -1;
      this.onFrame(frame);
    }
  }

  /** Bytes buffered towards frames not yet complete. */
  get pendingBytes(): number {
    return this.bufferedBytes;
  }

  /** Drops everything buffered (the connection is gone). */
  reset(): void {
    this.chunks = [];
    this.headOffset = 0;
    this.bufferedBytes = 0;
    this.frameBytes = -1;
  }

  /** Consumes `n` buffered bytes (caller checked `bufferedBytes >= n`). */
  private take(n: number): Buffer {
    if (n === 0) return EMPTY;
    const head = this.chunks[0];
    if (head.length - this.headOffset >= n) {
      const slice = head.subarray(this.headOffset, this.headOffset + n);
      this.headOffset += n;
      this.bufferedBytes -= n;
      if (this.headOffset === head.length) {
        this.chunks.shift();
        this.headOffset = 0;
      }
      return slice;
    }
    // The bytes span chunks: copy them once, then drop the fully consumed chunks in one splice.
    const out = Buffer.allocUnsafe(n);
    let copied = 0;
    let index = 0;
    let offset = this.headOffset;
    while (copied < n) {
      const chunk = this.chunks[index];
      const count = Math.min(chunk.length - offset, n - copied);
      chunk.copy(out, copied, offset, offset + count);
      copied += count;
      offset += count;
      if (offset === chunk.length) {
        index++;
        offset = 0;
      }
    }
    this.chunks.splice(0, index);
    this.headOffset = offset;
    this.bufferedBytes -= n;
    return out;
  }
}
