import { SHARE_MIN_BYTES, Writer } from '../../src/protocol/Writer';
import { hex, utf8 } from './hex';

describe('Writer', () => {
  it('writes fixed-width integers big-endian and chains', () => {
    const w = new Writer();
    w.int8(-2).int16(-2).int32(0x01020304).uint32(0xfffffffe).int64(-2n).boolean(true).boolean(false);
    expect(w.toBuffer()).toEqual(
      hex(
        'fe', // int8 -2
        'fffe', // int16 -2
        '01020304', // int32
        'fffffffe', // uint32
        'fffffffffffffffe', // int64 -2
        '01', // true
        '00', // false
      ),
    );
  });

  it('writes STRING and NULLABLE_STRING with an int16 byte length (UTF-8 bytes, not UTF-16 units)', () => {
    const w = new Writer();
    w.string('héllo').string('').string(null);
    expect(w.toBuffer()).toEqual(
      hex(
        '0006', utf8('héllo'), // é is two bytes
        '0000', // empty
        'ffff', // null
      ),
    );
  });

  it('writes COMPACT strings and bytes with uvarint length+1, 0 for null', () => {
    const w = new Writer();
    w.compactString('ab').compactString('').compactString(null).compactBytes(hex('aabb')).compactBytes(null);
    expect(w.toBuffer()).toEqual(hex('03', utf8('ab'), '01', '00', '03aabb', '00'));
  });

  it('writes BYTES with an int32 length, -1 for null, and raw slices without a length', () => {
    const w = new Writer();
    w.bytes(hex('0102')).bytes(null).raw(hex('a1a2a3a4'), 1, 3);
    expect(w.toBuffer()).toEqual(hex('00000002 0102', 'ffffffff', 'a2a3'));
  });

  it('writes array lengths: int32 (-1 null) and compact (n+1, 0 null)', () => {
    const w = new Writer();
    w.arrayLength(3).arrayLength(null).compactArrayLength(3).compactArrayLength(null).compactArrayLength(0);
    expect(w.toBuffer()).toEqual(hex('00000003', 'ffffffff', '04', '00', '01'));
  });

  it('writes an empty tagged-field section and UUIDs', () => {
    const id = hex('00112233445566778899aabbccddeeff');
    const w = new Writer();
    w.emptyTaggedFields().uuid(id);
    expect(w.toBuffer()).toEqual(Buffer.concat([hex('00'), id]));
    expect(() => w.uuid(hex('00'))).toThrow(RangeError);
  });

  it('reserves space and backfills it', () => {
    const w = new Writer();
    const pos = w.reserve(4);
    w.int16(7);
    const crcPos = w.reserve(4);
    w.setInt32At(pos, -1);
    w.setUInt32At(crcPos, 0xdeadbeef);
    expect(w.toBuffer()).toEqual(hex('ffffffff', '0007', 'deadbeef'));
  });

  it('grows by doubling and keeps what was written', () => {
    const w = new Writer(16);
    const initial = w.buffer;
    for (let i = 0; i < 10; i++) w.int32(i);
    expect(w.buffer).not.toBe(initial);
    expect(w.buffer.length).toBe(64);
    expect(w.offset).toBe(40);
    for (let i = 0; i < 10; i++) expect(w.toBuffer().readInt32BE(i * 4)).toBe(i);
    w.string('x'.repeat(1000));
    expect(w.buffer.length).toBe(2048);
  });

  it('reuses its memory after reset (no allocation per request)', () => {
    const w = new Writer(64);
    w.int32(1).string('abc');
    const memory = w.buffer;
    w.reset().int32(2);
    expect(w.buffer).toBe(memory);
    expect(w.toBuffer()).toEqual(hex('00000002'));
  });

  it('toBuffer shares memory with the writer', () => {
    const w = new Writer();
    w.int32(0);
    const view = w.toBuffer();
    w.setInt32At(0, 5);
    expect(view.readInt32BE(0)).toBe(5);
  });

  it('refuses strings longer than an int16 length allows', () => {
    expect(() => new Writer().string('x'.repeat(0x8000))).toThrow(RangeError);
  });

  describe('sharedBytes', () => {
    const big = Buffer.alloc(SHARE_MIN_BYTES, 7);

    it('copies buffers below SHARE_MIN_BYTES, as bytes/compactBytes do', () => {
      const small = Buffer.alloc(SHARE_MIN_BYTES - 1, 3);
      const w = new Writer().sharedBytes(small, false).sharedBytes(small, true).sharedBytes(null, false);
      expect(w.toChunks()).toHaveLength(1);
      expect(w.toBuffer()).toEqual(new Writer().bytes(small).compactBytes(small).bytes(null).toBuffer());
    });

    it('references large buffers: chunks interleave the writer\'s memory with them, uncopied', () => {
      const other = Buffer.alloc(SHARE_MIN_BYTES + 5, 9);
      const w = new Writer(16).int32(1).sharedBytes(big, false).int16(2).sharedBytes(other, true).int8(3);
      const chunks = w.toChunks();
      expect(chunks).toHaveLength(5);
      expect(chunks[1]).toBe(big);
      expect(chunks[3]).toBe(other);
      expect(chunks[0]).toEqual(hex('00000001', (SHARE_MIN_BYTES).toString(16).padStart(8, '0')));
      expect(chunks[4]).toEqual(hex('03'));
      expect(w.length).toBe(w.offset + big.length + other.length);
      const copied = new Writer().int32(1).bytes(big).int16(2).compactBytes(other).int8(3).toBuffer();
      expect(Buffer.concat(chunks)).toEqual(copied);
      expect(w.toBuffer()).toEqual(copied);
    });

    it('ends with an empty chunk of its own memory when the frame ends with a shared buffer', () => {
      const chunks = new Writer().int32(1).sharedBytes(big, false).toChunks();
      expect(chunks.map((c) => c.length)).toEqual([8, big.length, 0]);
    });

    it('backfills into its own memory even after growing past shared buffers', () => {
      const w = new Writer(16);
      const pos = w.reserve(4);
      w.sharedBytes(big, false).raw(Buffer.alloc(100, 1)); // grows the writer's memory after the share
      w.setInt32At(pos, w.length - 4);
      const frame = Buffer.concat(w.toChunks());
      expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    });

    it('forgets shared buffers on reset', () => {
      const w = new Writer().sharedBytes(big, false);
      w.reset().int8(1);
      expect(w.toChunks()).toEqual([hex('01')]);
      expect(w.length).toBe(1);
    });
  });
});
