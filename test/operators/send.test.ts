// send(producer) in marbles, against a fake broker that answers each Produce request 3 frames
// after it was written: one ack per record, in order, when its batch is acknowledged; with
// stopOnError, the first failed record ends the stream once the batches already sent have
// settled; without it, the failed record's ack carries the error and the stream goes on.
import { map } from 'rxjs';
import { accumulate } from '../../operators/accumulate';
import { send } from '../../operators/send';
import { RecordError } from '../../src/errors';
import { ErrorCode } from '../../src/protocol/errorCodes';
import { marbleScheduler, runAsync } from '../support/marbles';
import { ackSummary, producerOn, serialized } from './fixture';

const RESPONSE_MS = 3;

describe('send', () => {
  it('emits one ack per record, in order, when its batch is acknowledged; completes after the last', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, expectObservable }) => {
      const { producer, cluster } = producerOn(scheduler, { lingerMs: 0 });
      cluster.answerProduce({ delayMs: RESPONSE_MS });
      // A 0 ms linger closes a batch after its frame's records: a+b at 0, c at 5; the broker appends
      // them at offsets 0, 1, 2.
      const records = cold('(ab)-c|', { a: serialized('a', 0), b: serialized('b', 0), c: serialized('c', 0) });
      const acks = records.pipe(accumulate(producer), send<string>(producer), map(ackSummary));
      expectObservable(acks).toBe('---(ab)-(c|)', { a: '0@0:a', b: '0@1:b', c: '0@2:c' });
    });
  });

  it('acks of different partitions come as their own batches are acknowledged', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, expectObservable }) => {
      const { producer, cluster } = producerOn(scheduler, { lingerMs: 0 });
      cluster.answerProduce({ delayMs: RESPONSE_MS });
      const records = cold('a-b-c|', { a: serialized('a', 0), b: serialized('b', 1), c: serialized('c', 0) });
      const acks = records.pipe(accumulate(producer), send<string>(producer), map(ackSummary));
      expectObservable(acks).toBe('---a-b-(c|)', { a: '0@0:a', b: '1@0:b', c: '0@1:c' });
    });
  });

  it('stopOnError: the first failed record ends the stream with a RecordError, after the batches already sent settle', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, expectObservable, expectSubscriptions }) => {
      const { producer, cluster } = producerOn(scheduler, { lingerMs: 0 });
      // Partition 1 is refused (not retriable): b, written at 2, fails at 5; c, written at 4, is in
      // flight then: the stream stops taking records at 5 (d is never read), and ends with the error
      // once c is acknowledged at 7.
      cluster.answerProduce({ delayMs: RESPONSE_MS, errorCodes: { 1: ErrorCode.TOPIC_AUTHORIZATION_FAILED } });
      const records = cold('a-b-c----d|', { a: serialized('a', 0), b: serialized('b', 1), c: serialized('c', 0), d: serialized('d', 0) });
      const acks = records.pipe(accumulate(producer), send<string>(producer, { stopOnError: true }), map(ackSummary));
      expectObservable(acks).toBe('---a---(c#)', { a: '0@0:a', c: '0@1:c' }, expect.any(RecordError));
      expectSubscriptions(records.subscriptions).toBe('^----!');
    });
  });

  it('without stopOnError, a failed record is acked with its error and the stream goes on', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, expectObservable }) => {
      const { producer, cluster } = producerOn(scheduler, { lingerMs: 0 });
      cluster.answerProduce({ delayMs: RESPONSE_MS, errorCodes: { 1: ErrorCode.TOPIC_AUTHORIZATION_FAILED } });
      const records = cold('a-b-c|', { a: serialized('a', 0), b: serialized('b', 1), c: serialized('c', 0) });
      const acks = records.pipe(accumulate(producer), send<string>(producer, { stopOnError: false }), map(ackSummary));
      expectObservable(acks).toBe('---a-b-(c|)', { a: '0@0:a', b: '1!KafkaProtocolError:b', c: '0@1:c' });
    });
  });

  it('a source error ends the stream once the batches already sent are acked', async () => {
    const scheduler = marbleScheduler();
    await runAsync(scheduler, ({ cold, expectObservable }) => {
      const { producer, cluster } = producerOn(scheduler, { lingerMs: 0 });
      cluster.answerProduce({ delayMs: RESPONSE_MS });
      const failure = new Error('source failed');
      const records = cold('a-#', { a: serialized('a', 0) }, failure);
      const acks = records.pipe(accumulate(producer), send<string>(producer), map(ackSummary));
      expectObservable(acks).toBe('---(a#)', { a: '0@0:a' }, failure);
    });
  });
});
