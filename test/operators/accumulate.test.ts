// accumulate(producer) in marbles: a batch closes when it has lingered lingerMs (1 frame = 1 ms),
// when the next record does not fit in batchSize, or when the stream ends; a 0 ms linger closes
// it after the records of the same frame; records that find no memory wait, in order. The batches
// emitted here are never handed to the producer's sender, so every partition stays idle: with
// sendWhenIdle (the default) each batch would go in its first record's frame, so the linger
// cases turn it off, and one case shows it on.
import { map } from 'rxjs';
import { accumulate } from '../../operators/accumulate';
import { RECORD_BATCH_OVERHEAD, recordSizeUpperBound } from '../../src/protocol/RecordBatch';
import { marbleScheduler } from '../support/marbles';
import { batchSummary, producerOn, serialized } from './fixture';

const VALUE_BYTES = 100;
/** A record of partition `p` whose meta is `name`, VALUE_BYTES long. */
const rec = (name: string, p = 0) => ({ ...serialized(name.padEnd(VALUE_BYTES, '.'), p), meta: name });
/** batchSize that holds exactly `n` such records. */
const holding = (n: number) => RECORD_BATCH_OVERHEAD + n * recordSizeUpperBound(-1, VALUE_BYTES, null);

describe('accumulate', () => {
  it('emits a batch once it has lingered lingerMs, with the records that came meanwhile', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const { producer } = producerOn(scheduler, { sendWhenIdle: false, lingerMs: 5 });
      const records = cold('a-b------|', { a: rec('a'), b: rec('b') });
      expectObservable(records.pipe(accumulate(producer), map(batchSummary))).toBe('-----x---|', { x: '0:a,b' });
    });
  });

  it('sendWhenIdle (the default): the batch of a partition with nothing on its way goes in its first record\'s frame, with the records of that frame', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const { producer } = producerOn(scheduler, { lingerMs: 5 });
      const records = cold('(ab)-c---|', { a: rec('a'), b: rec('b'), c: rec('c', 1) });
      expectObservable(records.pipe(accumulate(producer), map(batchSummary))).toBe('x----y---|', { x: '0:a,b', y: '1:c' });
    });
  });

  it('lingers per batch: a batch opened later closes lingerMs after its first record', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const { producer } = producerOn(scheduler, { sendWhenIdle: false, lingerMs: 4 });
      const records = cold('a-b-c-----|', { a: rec('a', 0), b: rec('b', 1), c: rec('c', 0) });
      expectObservable(records.pipe(accumulate(producer), map(batchSummary))).toBe('----x-y---|', { x: '0:a,c', y: '1:b' });
    });
  });

  it('emits a full batch when the next record does not fit in batchSize', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const { producer } = producerOn(scheduler, { sendWhenIdle: false, lingerMs: 1000, batchSize: holding(2) });
      const records = cold('a-b-c|', { a: rec('a'), b: rec('b'), c: rec('c') });
      expectObservable(records.pipe(accumulate(producer), map(batchSummary))).toBe('----x(y|)', { x: '0:a,b', y: '0:c' });
    });
  });

  it('with lingerMs 0, closes a batch after the records of the same frame, not one per record', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const { producer } = producerOn(scheduler, { sendWhenIdle: false, lingerMs: 0 });
      // A group takes as many frames as it has characters: c comes at frame 4.
      const records = cold('(ab)c|', { a: rec('a'), b: rec('b'), c: rec('c') });
      expectObservable(records.pipe(accumulate(producer), map(batchSummary))).toBe('x---y|', { x: '0:a,b', y: '0:c' });
    });
  });

  it('emits the open batches when the stream completes, without waiting for linger', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const { producer } = producerOn(scheduler, { sendWhenIdle: false, lingerMs: 1000 });
      const records = cold('a-b|', { a: rec('a', 0), b: rec('b', 1) });
      expectObservable(records.pipe(accumulate(producer), map(batchSummary))).toBe('---(xy|)', { x: '0:a', y: '1:b' });
    });
  });

  it('passes an error on after emitting the open batches', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const { producer } = producerOn(scheduler, { sendWhenIdle: false, lingerMs: 1000 });
      const failure = new Error('source failed');
      const records = cold('a-#', { a: rec('a') }, failure);
      expectObservable(records.pipe(accumulate(producer), map(batchSummary))).toBe('--(x#)', { x: '0:a' }, failure);
    });
  });

  it('emits nothing after unsubscription: open batches are dropped with their linger timer', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const { producer } = producerOn(scheduler, { sendWhenIdle: false, lingerMs: 5 });
      const records = cold('a-b------|', { a: rec('a'), b: rec('b') });
      expectObservable(records.pipe(accumulate(producer), map(batchSummary)), '^--!').toBe('----');
      expectSubscriptions(records.subscriptions).toBe('^--!');
    });
  });

  it("a record that finds no memory waits; with bufferPolicy 'error' it fails after maxBlockMs, and completion waits for it", () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      // Memory for one batch only: b (another partition) needs a second one.
      const batchSize = holding(2);
      const { producer } = producerOn(scheduler, { sendWhenIdle: false, lingerMs: 1000, batchSize, bufferMemory: batchSize, bufferPolicy: 'error', maxBlockMs: 10 });
      // b waits from frame 1 and fails at 1 + maxBlockMs; then the stream completes with a's batch.
      const records = cold('ab|', { a: rec('a', 0), b: rec('b', 1) });
      expectObservable(records.pipe(accumulate(producer), map(batchSummary))).toBe('11ms (yx|)', { x: '0:a', y: '1:b!BufferExhaustedError' });
    });
  });
});
