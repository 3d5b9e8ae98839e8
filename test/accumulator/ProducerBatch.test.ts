import { createCodec } from '../../src/compression';
import { ProducerBatch, type BatchListener } from '../../src/accumulator/ProducerBatch';
import { decodeRecordBatches } from '../../src/protocol/RecordBatchDecoder';

const zstd = createCodec('zstd', { gzip: -1, lz4: 9, zstd: 3 })!;

/** An open batch holding `values` (metas = values, timestamps 100, 101, …). */
function openWith(values: string[], codec = zstd as typeof zstd | null): ProducerBatch {
  const b = ProducerBatch.open('t', 3, 50, Buffer.alloc(8192), codec);
  values.forEach((v, i) => b.append(100 + i, null, Buffer.from(v.repeat(20)), null, v));
  return b;
}

/** A listener that records what it was told. */
function listen(b: ProducerBatch) {
  const done: ProducerBatch[] = [];
  const splits: Array<[ProducerBatch, ProducerBatch[]]> = [];
  const listener: BatchListener = { onBatchDone: (x) => done.push(x), onBatchSplit: (x, parts) => splits.push([x, parts]) };
  b.listener = listener;
  return { listener, done, splits };
}

describe('ProducerBatch', () => {
  describe('lifecycle', () => {
    it('goes open → held → closed → sealed → done, taking records until it is closed', () => {
      const b = openWith(['a']);
      expect(b.state).toBe('open');
      b.hold();
      expect(b.state).toBe('held');
      b.append(200, null, Buffer.from('b'), null, 'b'); // a held batch still takes records
      expect(b.hasRoomFor(10)).toBe(true);
      b.close();
      expect([b.state, b.closed, b.hasRoomFor(10)]).toEqual(['closed', true, false]);
      void b.sizeInBytes; // the sender's drain seals it
      expect(b.state).toBe('sealed');
      b.complete(7n, -1);
      expect([b.state, b.done, b.metas]).toEqual(['done', true, ['a', 'b']]);
    });

    it('without a codec, close() seals at once', () => {
      const b = openWith(['a'], null);
      b.close();
      expect(b.state).toBe('sealed');
      expect(b.needsCompression).toBe(false);
    });

    it('refuses an append after close, even while its records wait to be compressed', () => {
      const b = openWith(['a']);
      b.close();
      expect(b.state).toBe('closed');
      expect(() => b.append(300, null, Buffer.from('late'), null, 'late')).toThrow(/cannot append to a batch that is closed/);
      expect(b.metas).toEqual(['a']);
      expect(decodeRecordBatches(b.records())[0].recordsCount).toBe(1);
    });

    it('cannot be held once closed, nor finish while still open', () => {
      const closed = openWith(['a']);
      closed.close();
      expect(() => closed.hold()).toThrow(/cannot hold a batch that is closed/);
      const open = openWith(['a']);
      expect(() => open.complete(0n, -1)).toThrow(/cannot finish a batch that is open/);
      expect(() => open.fail(new Error('x'))).toThrow(/cannot finish a batch that is open/);
      expect(open.state).toBe('open');
    });

    it('closing twice changes nothing', () => {
      const b = openWith(['a'], null);
      b.close();
      const bytes = Buffer.from(b.records());
      b.close();
      expect(b.state).toBe('sealed');
      expect(b.records()).toEqual(bytes);
    });

    it('records() on an open batch closes and seals it', () => {
      const b = openWith(['a', 'b']);
      expect(decodeRecordBatches(b.records())[0]).toMatchObject({ compression: 4, recordsCount: 2, crcValid: true });
      expect(b.state).toBe('sealed');
      expect(() => b.append(0, null, null, null, 'c')).toThrow(/sealed/);
    });

    it('a batch failed before it had memory starts closed, with its one record and its error', () => {
      const error = new Error('no partition');
      const b = ProducerBatch.failed('t', 1, 9, 'meta', 42, error);
      expect([b.state, b.recordCount, b.metas, b.timestamps, b.error, b.sizeInBytes, b.needsCompression]).toEqual(['closed', 1, ['meta'], [42], error, 0, false]);
    });
  });

  describe('sealing with a codec', () => {
    it('closed → sealed by sealAsync, compressed, reporting the codec', async () => {
      const b = openWith(['a', 'b', 'c']);
      b.close();
      expect(b.needsCompression).toBe(true);
      expect(b.uncompressedRecordsBytes).toBeGreaterThan(0);
      await b.sealAsync();
      expect([b.state, b.needsCompression, b.uncompressedRecordsBytes, b.compressionType]).toEqual(['sealed', false, 0, 'zstd']);
      const decoded = decodeRecordBatches(b.records())[0];
      expect(decoded).toMatchObject({ compression: 4, recordsCount: 3, crcValid: true });
      expect(decoded.records.map((r) => r.value!.toString())).toEqual(['a', 'b', 'c'].map((v) => v.repeat(20)));
    });

    it('a synchronous seal while sealAsync runs wins; the batch is sealed once', async () => {
      const b = openWith(['a', 'b']);
      b.close();
      const sealing = b.sealAsync();
      const size = b.sizeInBytes; // sealed synchronously meanwhile
      expect(b.state).toBe('sealed');
      await sealing;
      expect(b.state).toBe('sealed');
      expect(b.sizeInBytes).toBe(size);
      expect(decodeRecordBatches(b.records())[0]).toMatchObject({ compression: 4, recordsCount: 2, crcValid: true });
    });

    it('a codec failure seals it uncompressed, and it says so', async () => {
      const failing = { ...zstd, compress: () => Promise.reject(new Error('no threads')) };
      const b = openWith(['a', 'b'], failing);
      b.close();
      await expect(b.sealAsync()).rejects.toThrow('no threads');
      expect([b.state, b.compressionType]).toEqual(['sealed', 'none']);
      expect(decodeRecordBatches(b.records())[0]).toMatchObject({ compression: 0, recordsCount: 2, crcValid: true });
    });

    it('stamping the producer state after sealing keeps the bytes valid', () => {
      const b = openWith(['a', 'b']);
      b.close();
      void b.sizeInBytes;
      b.setProducerState(17n, 2, 40, true);
      expect([b.producerId, b.producerEpoch, b.baseSequence, b.transactional]).toEqual([17n, 2, 40, true]);
      expect(decodeRecordBatches(b.records())[0]).toMatchObject({ producerId: 17n, producerEpoch: 2, baseSequence: 40, crcValid: true });
    });
  });

  describe('outcome, exactly once', () => {
    it('complete() tells the listener once; a later complete or fail is ignored', () => {
      const b = openWith(['a']);
      b.close();
      const { done } = listen(b);
      b.complete(100n, 5000);
      b.complete(200n, 6000);
      b.fail(new Error('late'));
      expect(done).toEqual([b]);
      expect([b.baseOffset, b.logAppendTimeMs, b.error]).toEqual([100n, 5000, null]);
    });

    it('fail() tells the listener once, with the first error; a later complete is ignored', () => {
      const b = openWith(['a']);
      b.close();
      const { done } = listen(b);
      const first = new Error('first');
      b.fail(first);
      b.fail(new Error('second'));
      b.complete(1n, -1);
      expect(done).toEqual([b]);
      expect([b.error, b.baseOffset]).toEqual([first, -1n]);
    });

    it('a queued batch can fail before it was ever sealed', () => {
      const b = openWith(['a']);
      b.close();
      const { done } = listen(b);
      b.fail(new Error('expired'));
      expect([b.state, done.length]).toEqual(['done', 1]);
    });
  });

  describe('split bookkeeping', () => {
    it('splitInto hands the listener to the parts and reports the split, not a done batch', () => {
      const b = openWith(['a', 'b']);
      b.close();
      const { listener, done, splits } = listen(b);
      const parts = [ProducerBatch.openPart(b, Buffer.alloc(1024)), ProducerBatch.openPart(b, Buffer.alloc(1024))];
      b.splitInto(parts);
      expect(b.state).toBe('done');
      expect(done).toEqual([]);
      expect(splits).toEqual([[b, parts]]);
      expect(parts.map((p) => p.listener)).toEqual([listener, listener]);
      // The split batch is finished: a late answer for it changes nothing.
      b.complete(5n, -1);
      b.splitInto([]);
      expect([done.length, splits.length, b.baseOffset]).toEqual([0, 1, -1n]);
    });

    it('a part keeps the parent’s partition, creation time, codec and stage; its memory is its own', () => {
      const b = openWith(['a', 'b']);
      const origin = { flush: () => {} };
      b.origin = origin;
      b.close();
      const part = ProducerBatch.openPart(b, Buffer.alloc(1024));
      expect([part.state, part.topic, part.partition, part.createdMs, part.compressionType, part.origin, part.pooled, b.pooled]).toEqual([
        'open',
        't',
        3,
        50,
        'zstd',
        origin,
        false,
        true,
      ]);
      expect(part.attempts).toBe(0);
    });
  });
});
