import { ProtocolDecodeError } from '../../src/errors';
import { Reader } from '../../src/protocol/Reader';
import { sizeOfUnsignedVarint, sizeOfVarint, sizeOfVarlong } from '../../src/protocol/varint';
import { Writer } from '../../src/protocol/Writer';
import { hex } from './hex';

// Vectors from Kafka's ByteUtilsTest (VECTORS.md).
const ZIGZAG_VARINTS: [number, string][] = [
  [0, '00'],
  [-1, '01'],
  [1, '02'],
  [63, '7e'],
  [-64, '7f'],
  [64, '8001'],
  [-65, '8101'],
  [8191, 'fe7f'],
  [-8192, 'ff7f'],
  [8192, '808001'],
  [2147483647, 'feffffff0f'],
  [-2147483648, 'ffffffff0f'],
];
const UNSIGNED_VARINTS: [number, string][] = [
  [63, '3f'],
  [64, '40'],
  [8192, '8040'],
  [0xffffffff, 'ffffffff0f'],
];

function written(f: (w: Writer) => void): string {
  const w = new Writer(16);
  f(w);
  return w.toBuffer().toString('hex');
}

describe('zigzag varint', () => {
  it.each(ZIGZAG_VARINTS)('%d is written as %s and read back', (value, bytes) => {
    expect(written((w) => w.varint(value))).toBe(bytes);
    const r = new Reader(hex(bytes));
    expect(r.varint()).toBe(value);
    expect(r.remaining).toBe(0);
    expect(sizeOfVarint(value)).toBe(bytes.length / 2);
  });

  it('is also the varlong encoding of the same values', () => {
    for (const [value, bytes] of ZIGZAG_VARINTS) {
      expect(written((w) => w.varlong(value))).toBe(bytes);
      expect(written((w) => w.varlong(BigInt(value)))).toBe(bytes);
      expect(new Reader(hex(bytes)).varlong()).toBe(BigInt(value));
    }
  });

  it('refuses to write a number that is not an int32', () => {
    expect(() => new Writer().varint(2147483648)).toThrow(RangeError);
    expect(() => new Writer().varint(1.5)).toThrow(RangeError);
  });
});

describe('unsigned varint', () => {
  it.each(UNSIGNED_VARINTS)('%d is written as %s and read back', (value, bytes) => {
    expect(written((w) => w.uvarint(value))).toBe(bytes);
    const r = new Reader(hex(bytes));
    expect(r.uvarint()).toBe(value);
    expect(r.remaining).toBe(0);
    expect(sizeOfUnsignedVarint(value)).toBe(bytes.length / 2);
  });

  it('refuses negative and oversized values', () => {
    expect(() => new Writer().uvarint(-1)).toThrow(RangeError);
    expect(() => new Writer().uvarint(2 ** 32)).toThrow(RangeError);
  });
});

describe('zigzag varlong', () => {
  it('17179869184 is 80 80 80 80 80 01', () => {
    expect(written((w) => w.varlong(17179869184))).toBe('808080808001');
    expect(written((w) => w.varlong(17179869184n))).toBe('808080808001');
    expect(new Reader(hex('808080808001')).varlong()).toBe(17179869184n);
    expect(sizeOfVarlong(17179869184)).toBe(6);
  });

  it.each([
    0n,
    -1n,
    2n ** 31n,
    -(2n ** 31n) - 1n,
    2n ** 48n + 5n,
    -(2n ** 52n),
    2n ** 52n,
    2n ** 53n + 1n,
    -(2n ** 60n),
    2n ** 63n - 1n,
    -(2n ** 63n),
  ])('%p round-trips; the number path agrees with the BigInt path', (v) => {
    const viaBigInt = written((w) => w.varlong(v));
    if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
      expect(written((w) => w.varlong(Number(v)))).toBe(viaBigInt);
      expect(sizeOfVarlong(Number(v))).toBe(viaBigInt.length / 2);
    }
    const r = new Reader(Buffer.from(viaBigInt, 'hex'));
    expect(r.varlong()).toBe(v);
    expect(r.remaining).toBe(0);
  });

  it('writes int64 extremes in 10 bytes', () => {
    expect(written((w) => w.varlong(-(2n ** 63n)))).toBe('ffffffffffffffffff01');
    expect(written((w) => w.varlong(2n ** 63n - 1n))).toBe('feffffffffffffffff01');
  });
});

describe('malformed varints', () => {
  it('a varint longer than 5 bytes is a ProtocolDecodeError', () => {
    expect(() => new Reader(hex('ffffffffff01')).varint()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(hex('ffffffffff01')).uvarint()).toThrow(ProtocolDecodeError);
  });

  it('a 5-byte varint above 2^32 is a ProtocolDecodeError', () => {
    expect(() => new Reader(hex('ffffffff1f')).uvarint()).toThrow(ProtocolDecodeError);
  });

  it('a varlong longer than 10 bytes is a ProtocolDecodeError', () => {
    expect(() => new Reader(hex('ffffffffffffffffff8101')).varlong()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(hex('ffffffffffffffffff02')).varlong()).toThrow(ProtocolDecodeError);
  });

  it('a varint cut short is a ProtocolDecodeError', () => {
    expect(() => new Reader(hex('8080')).varint()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(hex('808080808080')).varlong()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(hex('ffffffffffffff80')).varlong()).toThrow(ProtocolDecodeError);
  });
});
