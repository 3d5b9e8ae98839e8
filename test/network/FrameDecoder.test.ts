import { FrameDecoder } from '../../src/network/FrameDecoder';
import { ProtocolDecodeError } from '../../src/errors';

function frame(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

function collect(maxFrameBytes = 1 << 20): { decoder: FrameDecoder; frames: Buffer[] } {
  const frames: Buffer[] = [];
  return { decoder: new FrameDecoder(maxFrameBytes, (f) => frames.push(Buffer.from(f))), frames };
}

/** Deterministic pseudo-random numbers (xorshift), so failures reproduce. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

describe('FrameDecoder', () => {
  test('frames coalesced into one chunk come out one by one', () => {
    const { decoder, frames } = collect();
    decoder.push(Buffer.concat([frame(Buffer.from('a')), frame(Buffer.from('bcd')), frame(Buffer.alloc(0))]));
    expect(frames.map((f) => f.toString())).toEqual(['a', 'bcd', '']);
    expect(decoder.pendingBytes).toBe(0);
  });

  test('a frame split byte by byte, size prefix included, comes out once complete', () => {
    const { decoder, frames } = collect();
    const bytes = frame(Buffer.from('hello world'));
    for (let i = 0; i < bytes.length - 1; i++) {
      decoder.push(bytes.subarray(i, i + 1));
      expect(frames).toHaveLength(0);
    }
    decoder.push(bytes.subarray(bytes.length - 1));
    expect(frames.map((f) => f.toString())).toEqual(['hello world']);
  });

  test('arbitrary chunking of many frames yields exactly the frames sent', () => {
    const random = rng(42);
    const payloads = Array.from({ length: 200 }, (_, i) => {
      const b = Buffer.alloc(Math.floor(random() * 3000));
      for (let j = 0; j < b.length; j++) b[j] = (i + j) & 0xff;
      return b;
    });
    const stream = Buffer.concat(payloads.map(frame));
    const { decoder, frames } = collect();
    let offset = 0;
    while (offset < stream.length) {
      const n = 1 + Math.floor(random() * 5000);
      decoder.push(stream.subarray(offset, offset + n));
      offset += n;
    }
    expect(frames).toHaveLength(payloads.length);
    frames.forEach((f, i) => expect(f.equals(payloads[i])).toBe(true));
  });

  test('a frame inside one chunk is a view of it (no copy)', () => {
    const chunk = Buffer.concat([frame(Buffer.from('xyz')), Buffer.from([0, 0])]);
    const views: Buffer[] = [];
    new FrameDecoder(100, (f) => views.push(f)).push(chunk);
    expect(views[0].buffer).toBe(chunk.buffer);
  });

  test('a size above maxFrameBytes, or negative, throws ProtocolDecodeError', () => {
    const { decoder } = collect(1000);
    const big = Buffer.alloc(4);
    big.writeInt32BE(1001);
    expect(() => decoder.push(big)).toThrow(ProtocolDecodeError);
    const negative = Buffer.alloc(4);
    negative.writeInt32BE(-5);
    expect(() => collect().decoder.push(negative)).toThrow(/frame size -5/);
  });

  test('a large frame arriving in many chunks is assembled in linear time', () => {
    const payload = Buffer.alloc(8 * 1024 * 1024, 7);
    const stream = frame(payload);
    const { decoder, frames } = collect(16 * 1024 * 1024);
    const started = Date.now();
    for (let offset = 0; offset < stream.length; offset += 1024) decoder.push(stream.subarray(offset, offset + 1024));
    expect(frames).toHaveLength(1);
    expect(frames[0].equals(payload)).toBe(true);
    // 8192 chunks: a quadratic concat would copy ~32 GiB and take far longer.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('reset() drops a partial frame', () => {
    const { decoder, frames } = collect();
    decoder.push(frame(Buffer.from('abcdef')).subarray(0, 6));
    decoder.reset();
    decoder.push(frame(Buffer.from('ok')));
    expect(frames.map((f) => f.toString())).toEqual(['ok']);
  });
});
