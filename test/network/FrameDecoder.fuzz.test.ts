/**
 * The frame decoder reads the first bytes any peer sends — a broker, a TLS or HTTP server on the
 * wrong port, a corrupting middlebox. Whatever arrives, in whatever chunks, it either hands out
 * frames or throws ProtocolDecodeError (the connection then resets): never another error, and
 * never an allocation sized by a prefix it has not received the bytes for.
 */
import { ProtocolDecodeError } from '../../src/errors';
import { DEFAULT_MAX_FRAME_BYTES } from '../../src/network/ConnectionOptions';
import { FrameDecoder } from '../../src/network/FrameDecoder';
import { seededRandom } from '../support/random';

function sizePrefix(size: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(size);
  return b;
}

function randomBytes(random: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(random() * 256);
  return b;
}

/** Pushes `stream` in random chunks of 1..maxChunk bytes; returns the error thrown, if any. */
function pushChunked(decoder: FrameDecoder, stream: Buffer, random: () => number, maxChunk: number): unknown {
  let offset = 0;
  try {
    while (offset < stream.length) {
      const n = 1 + Math.floor(random() * maxChunk);
      decoder.push(stream.subarray(offset, offset + n));
      offset += n;
    }
  } catch (err) {
    return err;
  }
  return null;
}

describe('FrameDecoder on untrusted streams', () => {
  it('delivers every frame before a hostile size prefix intact, then throws ProtocolDecodeError at it', () => {
    const random = seededRandom(3);
    const maxFrameBytes = 4096;
    for (const hostile of [-1, -0x80000000, maxFrameBytes + 1, 0x7fffffff]) {
      for (let round = 0; round < 50; round++) {
        const payloads = Array.from({ length: 1 + Math.floor(random() * 8) }, () => randomBytes(random, Math.floor(random() * 600)));
        const stream = Buffer.concat([
          ...payloads.flatMap((p) => [sizePrefix(p.length), p]),
          sizePrefix(hostile),
          randomBytes(random, 64),
        ]);
        const frames: Buffer[] = [];
        const decoder = new FrameDecoder(maxFrameBytes, (f) => frames.push(Buffer.from(f)));
        const err = pushChunked(decoder, stream, random, 300);
        expect(err).toBeInstanceOf(ProtocolDecodeError);
        expect((err as Error).message).toContain(`frame size ${hostile} is outside 0..${maxFrameBytes}`);
        expect(frames).toEqual(payloads);
      }
    }
  });

  it('random garbage in random chunks gives frames within the limit or ProtocolDecodeError, nothing else', () => {
    const random = seededRandom(17);
    const maxFrameBytes = 1 << 16;
    let errors = 0;
    let frames = 0;
    for (let round = 0; round < 2000; round++) {
      const decoder = new FrameDecoder(maxFrameBytes, (f) => {
        expect(f.length).toBeLessThanOrEqual(maxFrameBytes);
        frames++;
      });
      // Small first bytes make small, valid sizes likely too, so that frames come out as well.
      const stream = randomBytes(random, 1 + Math.floor(random() * 400));
      if (random() < 0.5) stream.fill(0, 0, Math.min(3, stream.length));
      const err = pushChunked(decoder, stream, random, 50);
      if (err !== null) {
        if (!(err instanceof ProtocolDecodeError)) throw new Error(`${stream.toString('hex')} gave ${String(err)}`);
        errors++;
      }
      // What a connection does after the error: drop everything and start over.
      decoder.reset();
      expect(decoder.pendingBytes).toBe(0);
    }
    // Both outcomes were exercised, not just one.
    expect(errors).toBeGreaterThan(100);
    expect(frames).toBeGreaterThan(100);
  });

  it('a size prefix within the limit but far beyond the bytes received allocates nothing for it', () => {
    // Five decoders each told a 100 MiB frame follows: if any allocated the declared size up
    // front, external memory would grow by hundreds of MiB.
    const decoders: FrameDecoder[] = [];
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 5; i++) {
      const decoder = new FrameDecoder(DEFAULT_MAX_FRAME_BYTES, () => {
        throw new Error('no frame is complete');
      });
      decoder.push(Buffer.concat([sizePrefix(DEFAULT_MAX_FRAME_BYTES), Buffer.alloc(16, 1)]));
      expect(decoder.pendingBytes).toBe(16);
      decoders.push(decoder);
    }
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024);
  });
});
