import { from } from 'rxjs';
import { ErrorCode } from '../../src/protocol/errorCodes';
import { captureLogs } from '../support/logCapture';
import { advanceTo, answer, fakeClusterProducer, tick } from '../metrics/fakeClusterProducer';

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
