import { bufferSerializer, defaultSerializer, jsonSerializer, serializers, stringSerializer } from '../../src/serde';

describe('built-in serializers', () => {
  it('exposes string, json and buffer by name', () => {
    expect(serializers.string).toBe(stringSerializer);
    expect(serializers.json).toBe(jsonSerializer);
    expect(serializers.buffer).toBe(bufferSerializer);
  });

  describe('stringSerializer', () => {
    it('encodes UTF-8', () => {
      expect(stringSerializer('héllo €', 't')).toEqual(Buffer.from([0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f, 0x20, 0xe2, 0x82, 0xac]));
    });
    it('keeps null as null and the empty string as zero bytes', () => {
      expect(stringSerializer(null, 't')).toBeNull();
      expect(stringSerializer(undefined, 't')).toBeNull();
      expect(stringSerializer('', 't')).toEqual(Buffer.alloc(0));
    });
    it('refuses a non-string rather than sending "[object Object]"', () => {
      expect(() => stringSerializer({} as never, 't')).toThrow(/takes a string, got an object/);
      expect(() => stringSerializer(42 as never, 't')).toThrow(/got a number/);
    });
  });

  describe('jsonSerializer', () => {
    it('encodes JSON as UTF-8', () => {
      expect(jsonSerializer({ id: 1, name: 'é' }, 't')!.toString('utf8')).toBe('{"id":1,"name":"é"}');
      expect(jsonSerializer([1, 2], 't')!.toString()).toBe('[1,2]');
      expect(jsonSerializer('s', 't')!.toString()).toBe('"s"');
      expect(jsonSerializer(0, 't')!.toString()).toBe('0');
    });
    it('keeps null a tombstone, not the text "null"', () => {
      expect(jsonSerializer(null, 't')).toBeNull();
      expect(jsonSerializer(undefined, 't')).toBeNull();
    });
    it('refuses what JSON cannot represent', () => {
      expect(() => jsonSerializer(() => 1, 't')).toThrow(/cannot represent a function/);
      expect(() => jsonSerializer(10n, 't')).toThrow(/BigInt/);
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      expect(() => jsonSerializer(cycle, 't')).toThrow(/circular/i);
    });
  });

  describe('bufferSerializer', () => {
    it('passes a Buffer through as the same object', () => {
      const b = Buffer.from('abc');
      expect(bufferSerializer(b, 't')).toBe(b);
    });
    it('wraps a Uint8Array without copying (same memory)', () => {
      const backing = new Uint8Array([9, 1, 2, 3, 9]);
      const view = backing.subarray(1, 4);
      const out = bufferSerializer(view, 't')!;
      expect(out).toEqual(Buffer.from([1, 2, 3]));
      backing[2] = 7;
      expect(out[1]).toBe(7);
    });
    it('keeps null as null and refuses strings', () => {
      expect(bufferSerializer(null, 't')).toBeNull();
      expect(() => bufferSerializer('abc' as never, 't')).toThrow(/Buffer or Uint8Array, got a string/);
    });
  });

  describe('defaultSerializer', () => {
    it('takes Buffer, Uint8Array, string and null', () => {
      const b = Buffer.from('x');
      expect(defaultSerializer(b, 't')).toBe(b);
      expect(defaultSerializer(new Uint8Array([1, 2]), 't')).toEqual(Buffer.from([1, 2]));
      expect(defaultSerializer('é', 't')).toEqual(Buffer.from('é', 'utf8'));
      expect(defaultSerializer(null, 't')).toBeNull();
      expect(defaultSerializer(undefined, 't')).toBeNull();
    });
    it('refuses objects, numbers and other types with a clear message', () => {
      expect(() => defaultSerializer({ a: 1 } as never, 't')).toThrow(/it is an object, and the default serializer takes only Buffer, Uint8Array, string or null/);
      expect(() => defaultSerializer(5 as never, 't')).toThrow(/it is a number/);
      expect(() => defaultSerializer(new Date(0) as never, 't')).toThrow(/it is a Date/);
      expect(() => defaultSerializer([1] as never, 't')).toThrow(/it is an array/);
    });
  });
});
