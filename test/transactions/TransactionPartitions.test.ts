// The partitions of the current transaction on their own: which partitions wait for
// AddPartitionsToTxn, one exchange at a time, and what each partition's answer does.
import type { AddPartitionsToTxnResponse, AddPartitionsToTxnTopic } from '../../src/protocol/AddPartitionsToTxn';
import { ErrorCode } from '../../src/protocol/errorCodes';
import { TransactionPartitions } from '../../src/transactions/TransactionPartitions';
import { tick } from '../support/virtualTime';

/** A host whose AddPartitionsToTxn exchanges the test settles, recording what it is told. */
function setup() {
  const exchanges: Array<{ topics: AddPartitionsToTxnTopic[]; resolve: (res: AddPartitionsToTxnResponse) => void; reject: (err: Error) => void }> = [];
  const events: string[] = [];
  const partitions = new TransactionPartitions({
    addPartitionsToTxn: (topics) => new Promise((resolve, reject) => exchanges.push({ topics, resolve, reject })),
    onPartitionAdded: () => events.push('added'),
    onPartitionRefused: (code, what) => events.push(`refused ${code}: ${what}`),
    onAddFailed: (err) => events.push(`failed: ${(err as Error).message}`),
    onAddDone: () => events.push('done'),
  });
  /** The sender's pass over these partitions: which of them may go now. */
  const pass = (...tps: Array<[string, number]>): boolean[] => tps.map(([t, p]) => partitions.isAdded(t, p, t + '\0' + p));
  return { partitions, exchanges, events, pass };
}

/** Answers every partition of `topics` with `codes[topic-partition]`, else NONE. */
function answer(topics: AddPartitionsToTxnTopic[], codes: Record<string, number> = {}): AddPartitionsToTxnResponse {
  return {
    throttleTimeMs: 0,
    topics: topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p, errorCode: codes[`${t.name}-${p}`] ?? ErrorCode.NONE })) })),
  };
}

describe('TransactionPartitions', () => {
  it("sends a pass's new partitions in one request, grouped by topic, and lets them go once added", async () => {
    const { partitions, exchanges, events, pass } = setup();
    expect(pass(['a', 0], ['b', 1], ['a', 2])).toEqual([false, false, false]);
    partitions.sendPending();
    expect(exchanges.map((e) => e.topics)).toEqual([[{ name: 'a', partitions: [0, 2] }, { name: 'b', partitions: [1] }]]);
    expect(partitions.inFlight()).not.toBeNull();
    exchanges[0].resolve(answer(exchanges[0].topics));
    await tick();
    expect(events).toEqual(['added', 'added', 'added', 'done']);
    expect(partitions.inFlight()).toBeNull();
    expect(pass(['a', 0], ['b', 1], ['a', 2])).toEqual([true, true, true]);
    partitions.sendPending();
    expect(exchanges).toHaveLength(1);
  });

  it('keeps one exchange under way: partitions found meanwhile go in the next', async () => {
    const { partitions, exchanges, pass } = setup();
    pass(['a', 0]);
    partitions.sendPending();
    pass(['a', 1]);
    partitions.sendPending();
    expect(exchanges).toHaveLength(1);
    exchanges[0].resolve(answer(exchanges[0].topics));
    await tick();
    expect(pass(['a', 0], ['a', 1])).toEqual([true, false]);
    partitions.sendPending();
    expect(exchanges.map((e) => e.topics)).toEqual([[{ name: 'a', partitions: [0] }], [{ name: 'a', partitions: [1] }]]);
  });

  it('asks again for partitions answered with a retriable code or OPERATION_NOT_ATTEMPTED; reports a refusal', async () => {
    const { partitions, exchanges, events, pass } = setup();
    pass(['a', 0], ['a', 1], ['a', 2]);
    partitions.sendPending();
    exchanges[0].resolve(
      answer(exchanges[0].topics, { 'a-0': ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, 'a-1': ErrorCode.OPERATION_NOT_ATTEMPTED, 'a-2': ErrorCode.TOPIC_AUTHORIZATION_FAILED }),
    );
    await tick();
    expect(events).toEqual([`refused ${ErrorCode.TOPIC_AUTHORIZATION_FAILED}: AddPartitionsToTxn for a-2`, 'done']);
    partitions.sendPending();
    expect(exchanges[1].topics).toEqual([{ name: 'a', partitions: [0, 1] }]);
  });

  it('reports an exchange that got no answer; its partitions are not added', async () => {
    const { partitions, exchanges, events, pass } = setup();
    pass(['a', 0]);
    partitions.sendPending();
    exchanges[0].reject(new Error('coordinator gone'));
    await tick();
    expect(events).toEqual(['failed: coordinator gone', 'done']);
    expect(pass(['a', 0])).toEqual([false]);
  });

  it('forgets every partition when the transaction ends', async () => {
    const { partitions, exchanges, pass } = setup();
    pass(['a', 0]);
    partitions.sendPending();
    exchanges[0].resolve(answer(exchanges[0].topics));
    await tick();
    pass(['b', 0]);
    partitions.clear();
    partitions.sendPending();
    expect(exchanges).toHaveLength(1);
    expect(pass(['a', 0])).toEqual([false]);
  });
});
