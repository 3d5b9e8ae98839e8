/**
 * Length and count fields are where a corrupt response does harm: a decoder that trusts one
 * allocates what it says or loops that many times. For every response decoder at every version,
 * each count and length the decoder reads in a valid body is replaced by a huge or negative value,
 * and the decoder must throw ProtocolDecodeError — for a count, at the count itself, before it
 * reads (and allocates) a single element.
 */
import { ProtocolDecodeError } from '../../src/errors';
import { readResponseHeader } from '../../src/protocol/headers';
import { Reader } from '../../src/protocol/Reader';
import { Writer } from '../../src/protocol/Writer';
import { decodeError, responseSeeds, type AnyApi } from './responseSeeds';

type FieldKind = 'array' | 'compactArray' | 'string' | 'compactString' | 'bytes' | 'compactBytes' | 'taggedFields';

/** A count or length prefix found in a body: where it starts and how many bytes it takes. */
interface LengthField {
  kind: FieldKind;
  start: number;
  width: number;
}

/**
 * A Reader that notes where each count and length prefix the decoder reads starts, and how wide
 * it is. Only the outermost call is noted (compactString reads its length with uvarint, …).
 */
class FieldRecordingReader extends Reader {
  readonly fields: LengthField[] = [];
  private depth = 0;

  override arrayLength(): number {
    return this.note('array', () => super.arrayLength());
  }
  override compactArrayLength(): number {
    return this.note('compactArray', () => super.compactArrayLength());
  }
  override string(): string | null {
    return this.note('string', () => super.string());
  }
  override nonNullString(): string {
    return this.note('string', () => super.nonNullString());
  }
  override compactString(): string | null {
    return this.note('compactString', () => super.compactString());
  }
  override nonNullCompactString(): string {
    return this.note('compactString', () => super.nonNullCompactString());
  }
  override bytes(): Buffer | null {
    return this.note('bytes', () => super.bytes());
  }
  override compactBytes(): Buffer | null {
    return this.note('compactBytes', () => super.compactBytes());
  }
  override skipTaggedFields(): void {
    this.note('taggedFields', () => super.skipTaggedFields());
  }

  private note<T>(kind: FieldKind, read: () => T): T {
    const start = this.offset;
    if (this.depth > 0) return read();
    this.depth++;
    try {
      const value = read();
      this.fields.push({ kind, start, width: prefixWidth(kind, this.buffer, start) });
      return value;
    } finally {
      this.depth--;
    }
  }
}

/** Width of the prefix at `start`: fixed for int16/int32 prefixes, the varint's length otherwise. */
function prefixWidth(kind: FieldKind, buf: Buffer, start: number): number {
  if (kind === 'array' || kind === 'bytes') return 4;
  if (kind === 'string') return 2;
  let i = start;
  while (buf[i] >= 0x80) i++;
  return i - start + 1;
}

/** Every count and length prefix the decoder reads in `body` (which must decode). */
function lengthFields(api: AnyApi, version: number, body: Buffer): LengthField[] {
  const r = new FieldRecordingReader(body);
  api.decodeResponse(r, version);
  return r.fields;
}

function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
}

function int16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v);
  return b;
}

function uvarint(v: number): Buffer {
  return Buffer.from(new Writer().uvarint(v).toBuffer());
}

/** `body` with the field's prefix replaced by `prefix` (the rest of the body kept as it was). */
function withPrefix(body: Buffer, field: LengthField, prefix: Buffer): Buffer {
  return Buffer.concat([body.subarray(0, field.start), prefix, body.subarray(field.start + field.width)]);
}

const INT32_MAX = 0x7fffffff;
const UINT32_MAX = 0xffffffff;

/** Huge and invalid values for a prefix of this kind. Compact lengths are stored +1 (0 is null). */
function hostileValues(kind: FieldKind): Buffer[] {
  switch (kind) {
    case 'array':
    case 'bytes':
      return [int32(INT32_MAX), int32(-2), int32(-0x80000000)];
    case 'string':
      return [int16(0x7fff), int16(-2), int16(-0x8000)];
    default:
      return [uvarint(INT32_MAX + 1), uvarint(UINT32_MAX)];
  }
}

/** Responses without an array (a fixed set of fields, at most strings). */
const FLAT_BODIES = new Set(['InitProducerId', 'FindCoordinator', 'AddOffsetsToTxn', 'EndTxn']);

const seeds = responseSeeds();
const cases = seeds.map((s) => [s.label, s] as const);

describe('response decoders against hostile length and count fields', () => {
  it('finds the count and length fields of every seed (the test below has something to mutate)', () => {
    for (const s of seeds) {
      const kinds = new Set(lengthFields(s.api, s.version, s.body).map((f) => f.kind));
      // Every decoder but those with a flat body has an array; flexible versions end with tagged fields.
      if (!FLAT_BODIES.has(s.api.name)) expect(kinds.has('array') || kinds.has('compactArray')).toBe(true);
      if (s.version >= s.api.flexibleFrom) expect(kinds.has('taggedFields')).toBe(true);
    }
  });

  it.each(cases)('%s: every count or length replaced by a huge or negative value throws ProtocolDecodeError', (_label, s) => {
    for (const field of lengthFields(s.api, s.version, s.body)) {
      for (const prefix of hostileValues(field.kind)) {
        const input = withPrefix(s.body, field, prefix);
        const err = decodeError(s.api, s.version, input);
        if (!(err instanceof ProtocolDecodeError)) {
          throw new Error(
            `${field.kind} at ${field.start} set to ${prefix.toString('hex')} gave ${err === null ? 'a result' : String(err)}`,
          );
        }
      }
    }
  });

  it.each(cases)('%s: an array count of 2^31-1 is refused at the count, before any element is read', (_label, s) => {
    const arrays = lengthFields(s.api, s.version, s.body).filter((f) => f.kind === 'array' || f.kind === 'compactArray');
    for (const field of arrays) {
      const prefix = field.kind === 'array' ? int32(INT32_MAX) : uvarint(INT32_MAX + 1);
      const r = new Reader(withPrefix(s.body, field, prefix));
      expect(() => s.api.decodeResponse(r, s.version)).toThrow(new RegExp(`array count ${INT32_MAX} is invalid`));
      // Nothing after the count was read: no element was decoded, let alone allocated.
      expect(r.offset).toBe(field.start + prefix.length);
    }
  });

  it.each(cases.filter(([, s]) => !FLAT_BODIES.has(s.api.name)))(
    '%s: a 20-byte frame whose first array claims 2^31-1 elements fails at once',
    (_label, s) => {
      const first = lengthFields(s.api, s.version, s.body).find((f) => f.kind === 'array' || f.kind === 'compactArray');
      if (first === undefined) throw new Error(`${s.label} has no array`);
      const flexibleHeader = s.api.responseHeaderVersion(s.version) === 1;
      const header = flexibleHeader ? Buffer.from([0, 0, 0, 7, 0]) : int32(7);
      const count = first.kind === 'array' ? int32(INT32_MAX) : uvarint(INT32_MAX + 1);
      const frame = Buffer.alloc(20, 0x01);
      Buffer.concat([header, s.body.subarray(0, first.start), count]).copy(frame);
      expect(frame.length).toBe(20);

      const r = new Reader(frame);
      expect(readResponseHeader(r, s.api.responseHeaderVersion(s.version))).toBe(7);
      const bodyStart = r.offset;
      expect(() => s.api.decodeResponse(r, s.version)).toThrow(ProtocolDecodeError);
      expect(r.offset).toBe(bodyStart + first.start + count.length);
    },
  );

  it.each(cases)('%s: a huge int32 or varint written at any offset decodes or throws ProtocolDecodeError', (_label, s) => {
    const patterns = [int32(INT32_MAX), int32(-0x80000000), int32(-1), uvarint(UINT32_MAX), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])];
    for (let at = 0; at < s.body.length; at++) {
      for (const pattern of patterns) {
        const input = Buffer.from(s.body);
        pattern.copy(input, at);
        const err = decodeError(s.api, s.version, input);
        if (err !== null && !(err instanceof ProtocolDecodeError)) {
          throw new Error(`${pattern.toString('hex')} at offset ${at} gave ${String(err)}`);
        }
      }
    }
  });
});
