import { from } from 'rxjs';
import { ErrorCode } from '../../src/protocol/errorCodes';
import { FindCoordinator } from '../../src/protocol/FindCoordinator';
import { captureLogs } from '../support/logCapture';
import { answer, fakeClusterProducer } from '../support/fakeCluster';
import { advanceTo, tick } from '../support/virtualTime';

describe('logging', () => {
  it('every component logs through a child logger naming it, with the client id', async () => {
    const { logger, lines } = captureLogs('debug');
    // retryBackoffMaxMs below retryBackoffMs: the config rules say so at warn.
    const f = fakeClusterProducer({ logger, clientId: 'billing', retryBackoffMs: 100, retryBackoffMaxMs: 50, interceptors: [{ onSend: () => { throw new Error('hook bug'); } }] });
    // close(0) fails the record being retried: the stream errors, as it should.
    f.producer.produce(from([{ partition: 0, value: 'x' }])).subscribe({ error: () => undefined });
    await advanceTo(f.scheduler, 0);
    answer(f.broker.requests[0], 0n, { 0: ErrorCode.NOT_LEADER_OR_FOLLOWER });
    await tick();
    await f.producer.close(0);
    const seen = lines.map((l) => [l.component, l.level, l.msg]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['config', 40, 'retryBackoffMaxMs=50 is less than retryBackoffMs=100: backoff stays at 100 ms'],
        ['producer', 20, 'producer created'],
        ['interceptors', 40, 'onSend threw; the record goes on as the previous hooks left it'],
        ['sender', 20, 'retrying batch'],
        ['producer', 20, 'producer closed'],
      ]),
    );
    for (const l of lines) expect(l).toMatchObject({ clientId: 'billing', component: expect.any(String) });
    expect(lines.find((l) => l.msg === 'retrying batch')).toMatchObject({ topic: 't', partition: 0, attempts: 1, err: { type: 'KafkaProtocolError' } });
  });
});

describe('logging of a transactional producer', () => {
  it('the coordinator and transactions components log through the producer child logger (with the client id)', async () => {
    const { logger, lines } = captureLogs('debug');
    const f = fakeClusterProducer({ logger, clientId: 'orders-etl', transactionalId: 'orders-tx', idempotence: true, acks: -1 });
    // The one broker answers FindCoordinator (itself) and InitProducerId; nothing else is asked.
    const broker = {
      isConnected: true,
      versionFor: () => 1,
      send: (api: { name?: string; apiKey?: number }, _req: unknown) =>
        Promise.resolve(
          api === FindCoordinator
            ? { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 1, host: 'fake', port: 9092 }
            : { throttleTimeMs: 0, errorCode: 0, producerId: 4000n, producerEpoch: 0 },
        ),
    };
    Object.assign(f.producer.cluster, { leastLoadedConnection: () => Promise.resolve(broker), connectionTo: () => Promise.resolve(broker) });
    await f.producer.initTransactions();
    await f.producer.close(0);
    const found = lines.find((l) => l.msg === 'coordinator found');
    const assigned = lines.find((l) => l.msg === 'transactional producer id assigned');
    expect(found).toMatchObject({ component: 'coordinator', clientId: 'orders-etl', key: 'orders-tx' });
    expect(assigned).toMatchObject({ component: 'transactions', clientId: 'orders-etl', transactionalId: 'orders-tx', producerId: '4000' });
  });
});
