import { ProtocolDecodeError } from '../../src/errors';
import { Reader } from '../../src/protocol/Reader';
import { Writer } from '../../src/protocol/Writer';
import { hex, utf8 } from './hex';

describe('Reader', () => {
  it('reads what Writer writes', () => {
    const id = hex('00112233445566778899aabbccddeeff');
    const w = new Writer();
    w.int8(-3).int16(-300).int32(-70000).uint32(0xfffffff0).int64(-(2n ** 40n)).boolean(true);
    w.uvarint(300).varint(-300).varlong(-(2 ** 40)).string('héllo').string(null).compactString('ü').compactString(null);
    w.bytes(hex('0102')).bytes(null).compactBytes(hex('03')).compactBytes(null);
    w.arrayLength(2).arrayLength(null).compactArrayLength(2).compactArrayLength(null).uuid(id);
    // two bytes of padding so the array counts above are plausible
    w.int16(0);
    const r = new Reader(w.toBuffer());
    expect([r.int8(), r.int16(), r.int32(), r.uint32(), r.int64(), r.boolean()]).toEqual([-3, -300, -70000, 0xfffffff0, -(2n ** 40n), true]);
    expect([r.uvarint(), r.varint(), r.varlong()]).toEqual([300, -300, -(2n ** 40n)]);
    expect([r.string(), r.string(), r.compactString(), r.compactString()]).toEqual(['héllo', null, 'ü', null]);
    expect([r.bytes(), r.bytes(), r.compactBytes(), r.compactBytes()]).toEqual([hex('0102'), null, hex('03'), null]);
    expect([r.arrayLength(), r.arrayLength(), r.compactArrayLength(), r.compactArrayLength()]).toEqual([2, -1, 2, -1]);
    expect(r.uuid()).toEqual(id);
    expect(r.remaining).toBe(2);
  });

  it('returns bytes as views into the buffer, strings and UUIDs as copies', () => {
    const buf = hex('00000002 abcd', '00112233445566778899aabbccddeeff');
    const r = new Reader(buf);
    const bytes = r.bytes()!;
    const id = r.uuid();
    buf[4] = 0;
    buf[6] = 0xff;
    expect(bytes[0]).toBe(0);
    expect(id[0]).toBe(0x00);
  });

  it('reads only within [offset, end)', () => {
    const r = new Reader(hex('ffff 00000001 ffff'), 2, 6);
    expect(r.int32()).toBe(1);
    expect(r.remaining).toBe(0);
    expect(() => r.int8()).toThrow(ProtocolDecodeError);
  });

  it('rejects a slice outside the buffer', () => {
    expect(() => new Reader(hex('00'), 0, 2)).toThrow(ProtocolDecodeError);
  });

  describe('every malformed input is a ProtocolDecodeError', () => {
    const cases: [string, Buffer, (r: Reader) => unknown][] = [
      ['int8 past the end', hex(''), (r) => r.int8()],
      ['int16 past the end', hex('00'), (r) => r.int16()],
      ['int32 past the end', hex('000000'), (r) => r.int32()],
      ['uint32 past the end', hex('000000'), (r) => r.uint32()],
      ['int64 past the end', hex('00000000000000'), (r) => r.int64()],
      ['boolean past the end', hex(''), (r) => r.boolean()],
      ['string length past the end', hex('0005', utf8('abc')), (r) => r.string()],
      ['string length -2', hex('fffe'), (r) => r.string()],
      ['null where a string is required', hex('ffff'), (r) => r.nonNullString()],
      ['compact string length past the end', hex('05', utf8('ab')), (r) => r.compactString()],
      ['compact null where a string is required', hex('00'), (r) => r.nonNullCompactString()],
      ['bytes length past the end', hex('00000004 aa'), (r) => r.bytes()],
      ['bytes length -2', hex('fffffffe'), (r) => r.bytes()],
      ['huge bytes length', hex('7fffffff'), (r) => r.bytes()],
      ['compact bytes length past the end', hex('ffffffff0f'), (r) => r.compactBytes()],
      ['array count -2', hex('fffffffe'), (r) => r.arrayLength()],
      ['array count above the bytes left', hex('00000003 0000'), (r) => r.arrayLength()],
      ['huge array count', hex('7fffffff'), (r) => r.arrayLength()],
      ['compact array count above the bytes left', hex('04 0000'), (r) => r.compactArrayLength()],
      ['uuid past the end', hex('00112233'), (r) => r.uuid()],
      ['tagged field size past the end', hex('01 00 05 aa'), (r) => r.skipTaggedFields()],
      ['more tagged fields than bytes', hex('7f 0000'), (r) => r.skipTaggedFields()],
      ['raw with a negative length', hex('00'), (r) => r.raw(-1)],
    ];
    it.each(cases)('%s', (_name, buf, read) => {
      expect(() => read(new Reader(buf))).toThrow(ProtocolDecodeError);
    });
  });

  it('skips tagged fields and hands each one to a handler within its own bounds', () => {
    const buf = hex(
      '02', // two tagged fields
      '00 04 0000002a', // tag 0, 4 bytes: int32 42
      '05 02 aabb', // tag 5, 2 bytes: unknown to the handler
      'ee', // the byte after the section
    );
    const seen: [number, number][] = [];
    const r = new Reader(buf);
    r.readTaggedFields((tag, field) => {
      seen.push([tag, field.remaining]);
      if (tag === 0) expect(field.int32()).toBe(42);
      // reads past a field's end fail even though the outer buffer has more bytes
      if (tag === 5) expect(() => field.int32()).toThrow(ProtocolDecodeError);
    });
    expect(seen).toEqual([
      [0, 4],
      [5, 2],
    ]);
    expect(r.int8()).toBe(-18);

    const skip = new Reader(buf);
    skip.skipTaggedFields();
    expect(skip.remaining).toBe(1);
  });
});
