import { InvalidRecordError, RecordError, SerializationError } from '../../src/errors';
import { serializeRecord } from '../../src/pipeline/serializeRecord';
import { defaultSerializer, jsonSerializer, Serializer, stringSerializer } from '../../src/serde';
import type { ProducerRecord, SerializedRecord } from '../../src/types';

const NOW = 1_700_000_000_000;

function ser(record: ProducerRecord<unknown, unknown, unknown>, defaultTopic: string | undefined = 'events', key: Serializer<never> = defaultSerializer, value: Serializer<never> = defaultSerializer): SerializedRecord {
  return sync(serializeRecord(record, defaultTopic, key, value, NOW));
}

/** Synchronous serializers give a synchronous result, never a Promise. */
function sync<M>(out: SerializedRecord<M> | Promise<SerializedRecord<M>>): SerializedRecord<M> {
  if (out instanceof Promise) throw new Error('expected a synchronous result');
  return out;
}

describe('serializeRecord', () => {
  it('serializes key, value and headers, with the default topic and the current time', () => {
    const out = ser({ key: 'k', value: Buffer.from('v'), headers: { h: 'x' }, meta: 42 });
    expect(out).toEqual({
      topic: 'events',
      partition: -1,
      key: Buffer.from('k'),
      value: Buffer.from('v'),
      headers: [{ key: 'h', value: Buffer.from('x') }],
      timestamp: NOW,
      meta: 42,
      error: null,
    });
  });

  it("keeps the record's own topic, partition and timestamp", () => {
    const out = ser({ topic: 'other', partition: 3, timestamp: 123, value: 'v' });
    expect(out.topic).toBe('other');
    expect(out.partition).toBe(3);
    expect(out.timestamp).toBe(123);
    expect(out.error).toBeNull();
  });

  it('passes the topic to the serializers', () => {
    const seen: string[] = [];
    const spy: Serializer<string> = (data, topic) => {
      seen.push(topic);
      return Buffer.from(data);
    };
    ser({ topic: 'orders', key: 'k', value: 'v' }, 'events', spy, spy);
    expect(seen).toEqual(['orders', 'orders']);
  });

  it.each([
    [{}],
    [{ key: null, value: null }],
    [{ key: undefined, value: undefined }],
    [{ key: null }],
    [{ Value: 'misnamed' }],
  ])('fails a record with neither key nor value (%p), naming its meta, without calling the serializers', (fields) => {
    const never: Serializer<unknown> = () => {
      throw new Error('must not be called');
    };
    const out = ser({ ...fields, partition: 2, meta: 'm9' } as ProducerRecord, 'events', never, never);
    expect(out.error).toBeInstanceOf(InvalidRecordError);
    expect(out.error).toBeInstanceOf(RecordError);
    expect(out.error!.message).toBe(
      'record has neither a key nor a value: set value (a record without a key is fine), or key with a null value ' +
        "for a tombstone; check that the record's fields are named key and value",
    );
    expect((out.error as InvalidRecordError).record).toEqual({ topic: 'events', partition: 2, meta: 'm9' });
    expect(out.meta).toBe('m9');
  });

  it('accepts a key without a value (a tombstone) and a value without a key, never calling serializers for null', () => {
    const never: Serializer<unknown> = () => {
      throw new Error('must not be called');
    };
    const tombstone = ser({ key: 'k', value: null }, 'events', stringSerializer, never);
    expect([tombstone.error, tombstone.key, tombstone.value]).toEqual([null, Buffer.from('k'), null]);
    const keyless = ser({ key: undefined, value: 'v' }, 'events', never, stringSerializer);
    expect([keyless.error, keyless.key, keyless.value]).toEqual([null, null, Buffer.from('v')]);
  });

  it('keeps a tombstone a tombstone with the JSON serializer', () => {
    const out = ser({ key: 'k', value: null }, 'events', stringSerializer, jsonSerializer);
    expect(out.value).toBeNull();
    expect(out.error).toBeNull();
  });

  it('returns (not throws) a SerializationError naming the value when a serializer throws', () => {
    const boom: Serializer<unknown> = () => {
      throw new Error('schema mismatch');
    };
    const out = ser({ key: 'k', value: { a: 1 }, meta: 'm1' }, 'events', defaultSerializer, boom);
    expect(out.error).toBeInstanceOf(SerializationError);
    expect(out.error!.message).toBe("could not serialize the record's value: schema mismatch");
    expect((out.error as SerializationError).cause).toBeInstanceOf(Error);
    expect(out.meta).toBe('m1');
    expect(out.topic).toBe('events');
  });

  it('names the key when the key fails, and tells which option fixes an object given to the default serializer', () => {
    const out = ser({ key: { id: 1 }, value: 'v' });
    expect(out.error).toBeInstanceOf(SerializationError);
    expect(out.error!.message).toMatch(/^could not serialize the record's key: it is an object.*serializers: \{ key: serializers\.json \}/);
    const value = ser({ value: { id: 1 } });
    expect(value.error!.message).toMatch(/^could not serialize the record's value: it is an object.*serializers: \{ value: serializers\.json \}/);
  });

  it.each([
    ['a string', 'no schema for topic', 'no schema for topic'],
    ['undefined', undefined, 'undefined'],
    ['an object', { code: 42 }, '[object Object]'],
  ])('turns a serializer throwing %s into a SerializationError of that record only', (_what, thrown, shown) => {
    const throwing: Serializer<unknown> = () => {
      throw thrown;
    };
    const out = ser({ key: 'k', value: 'v', meta: 3 }, 'events', throwing, defaultSerializer);
    expect(out.error).toBeInstanceOf(SerializationError);
    expect(out.error!.message).toBe(`could not serialize the record's key: ${shown}`);
    expect((out.error as SerializationError).cause).toBe(thrown);
    expect([out.topic, out.meta]).toEqual(['events', 3]);
  });

  it('fails a serializer that returns something other than bytes', () => {
    const bad: Serializer<unknown> = () => 'text' as never;
    const out = ser({ value: 'v' }, 'events', defaultSerializer, bad);
    expect(out.error!.message).toBe("could not serialize the record's value: the serializer returned a string; a serializer must return a Buffer or null");
  });

  it('names the header that failed', () => {
    const out = ser({ value: 'v', headers: { good: 'x', bad: 1 as never } });
    expect(out.error).toBeInstanceOf(SerializationError);
    expect(out.error!.message).toMatch(/header 'bad'/);
  });

  it('fails a record with no topic and no default topic', () => {
    const out = sync(serializeRecord({ value: 'v', meta: 7 }, undefined, defaultSerializer, defaultSerializer, NOW));
    expect(out.error).toBeInstanceOf(InvalidRecordError);
    expect(out.error!.message).toBe(
      'record has no topic and toKafka/createProducer has no default `topic`: set record.topic or the `topic` option',
    );
    expect(out.meta).toBe(7);
    expect(ser({ topic: '', value: 'v' }).error!.message).toMatch(/record.topic must be a non-empty string/);
  });

  it.each([['a b'], ['orders/eu'], ['.'], ['x'.repeat(250)]])('fails record.topic %p, which Kafka would refuse, before any broker sees it', (topic) => {
    const out = ser({ topic, value: 'v', meta: 4 });
    expect(out.error).toBeInstanceOf(InvalidRecordError);
    expect(out.error!.message).toMatch(/^record\.topic '.*' is not a valid Kafka topic name: 1 to 249 characters from a-z, A-Z, 0-9/);
    expect((out.error as InvalidRecordError).record.meta).toBe(4);
    // A valid topic right after it is accepted again.
    expect(ser({ topic: 'orders.eu', value: 'v' }).error).toBeNull();
  });

  it.each([[-1], [1.5], [NaN], ['2' as never], [2 ** 31]])('fails partition %p (not a non-negative integer)', (partition) => {
    const out = ser({ value: 'v', partition });
    expect(out.error).toBeInstanceOf(InvalidRecordError);
    expect(out.error!.message).toMatch(/record\.partition must be a non-negative integer/);
  });

  it('fails a negative or non-integer timestamp', () => {
    expect(ser({ value: 'v', timestamp: -5 }).error!.message).toMatch(/record\.timestamp must be milliseconds since the epoch/);
    expect(ser({ value: 'v', timestamp: new Date() as never }).error).toBeInstanceOf(RecordError);
  });

  it('fails (does not throw on) something that is not a record object', () => {
    const out = sync(serializeRecord('just a string' as never, 'events', defaultSerializer, defaultSerializer, NOW));
    expect(out.error).toBeInstanceOf(InvalidRecordError);
    expect(out.error!.message).toMatch(/must be an object such as \{ value \}, got a string/);
  });

  describe('async serializers', () => {
    const later = <T>(v: T, ms = 1) => new Promise<T>((resolve) => setTimeout(() => resolve(v), ms));

    it('gives a Promise of the record when a serializer returns one', async () => {
      const out = serializeRecord({ key: 'k', value: { a: 1 }, headers: { h: 'x' }, meta: 3 }, 'events', defaultSerializer, ((v: unknown) => later(Buffer.from(JSON.stringify(v)))) as Serializer<never>, NOW);
      expect(out).toBeInstanceOf(Promise);
      const record = await out;
      expect(record.error).toBeNull();
      expect(record.key).toEqual(Buffer.from('k'));
      expect(record.value).toEqual(Buffer.from('{"a":1}'));
      expect(record.headers).toEqual([{ key: 'h', value: Buffer.from('x') }]);
      expect(record.meta).toBe(3);
      expect(record.timestamp).toBe(NOW);
    });

    it('runs the key and value serializers concurrently', async () => {
      const started: string[] = [];
      const slow = (name: string) => ((v: string) => {
        started.push(name);
        return later(Buffer.from(v), 5);
      }) as Serializer<never>;
      const pending = serializeRecord({ key: 'k', value: 'v' }, 'events', slow('key'), slow('value'), NOW);
      expect(started).toEqual(['key', 'value']);
      expect((await pending).value).toEqual(Buffer.from('v'));
    });

    it('fails the record (the Promise never rejects) when an async serializer rejects', async () => {
      const failing = (() => Promise.reject(new Error('schema registry unreachable'))) as Serializer<never>;
      const record = await serializeRecord({ key: 'k', value: 'v', meta: 9 }, 'events', defaultSerializer, failing, NOW);
      expect(record.error).toBeInstanceOf(SerializationError);
      expect(record.error!.message).toMatch(/value.*schema registry unreachable/);
      expect(record.meta).toBe(9);
      const keyFails = await serializeRecord({ key: 'k', value: 'v' }, 'events', failing, defaultSerializer, NOW);
      expect(keyFails.error!.message).toMatch(/key/);
    });

    it('fails the record when an async serializer resolves to something that is not bytes', async () => {
      const record = await serializeRecord({ value: 'v' }, 'events', defaultSerializer, (() => later('text')) as unknown as Serializer<never>, NOW);
      expect(record.error).toBeInstanceOf(SerializationError);
      expect(record.error!.message).toMatch(/must return a Buffer or null/);
    });
  });
});
