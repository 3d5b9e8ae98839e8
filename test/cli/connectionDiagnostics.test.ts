import { Subject } from 'rxjs';
import { reportConnectionProblems } from '../../src/cli/connectionDiagnostics';
import { ConnectionError } from '../../src/errors';
import type { ConnectionEvent } from '../../src/network/ConnectionEvent';

/** The lines written, and a clock the test moves. */
function harness() {
  const events = new Subject<ConnectionEvent>();
  const lines: string[] = [];
  const stream = { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream;
  let nowMs = 0;
  const sub = reportConnectionProblems(events, stream, (m) => m.replace(/\bmaxBlockMs\b/g, '--max-block-ms'), () => nowMs, 5000);
  return { events, lines, sub, at: (ms: number) => (nowMs = ms) };
}

const refused = (broker: string): ConnectionError => new ConnectionError(broker, `connect ECONNREFUSED ${broker}`);

describe('reportConnectionProblems', () => {
  it('one line per broker per interval, counting the failures it did not print', () => {
    const h = harness();
    for (const t of [0, 100, 1000, 4999]) {
      h.at(t);
      h.events.next({ type: 'connectFailed', nodeId: -1, broker: 'a:1', error: refused('a:1') });
    }
    h.at(200);
    h.events.next({ type: 'connectFailed', nodeId: -2, broker: 'b:2', error: refused('b:2') });
    h.at(5000);
    h.events.next({ type: 'connectFailed', nodeId: -1, broker: 'a:1', error: refused('a:1') });
    expect(h.lines).toEqual([
      'rxkafka: cannot connect, retrying: connection to a:1: connect ECONNREFUSED a:1\n',
      'rxkafka: cannot connect, retrying: connection to b:2: connect ECONNREFUSED b:2\n',
      'rxkafka: cannot connect, retrying: connection to a:1: connect ECONNREFUSED a:1 (3 more not shown since the last line)\n',
    ]);
  });

  it('"no broker answered" is limited apart from the broker\'s own failures, in CLI terms; a lost connection names the broker', () => {
    const h = harness();
    h.events.next({ type: 'connectFailed', nodeId: -1, broker: 'a:1', error: refused('a:1') });
    h.events.next({ type: 'noBrokerAnswered', nodeId: -1, broker: 'a:1', error: new Error('no broker answered a Metadata request') });
    h.events.next({ type: 'disconnected', nodeId: 3, broker: 'c:3', error: new Error('socket hang up') });
    expect(h.lines).toEqual([
      'rxkafka: cannot connect, retrying: connection to a:1: connect ECONNREFUSED a:1\n',
      'rxkafka: still waiting for a broker (until --max-block-ms ends): no broker answered a Metadata request\n',
      'rxkafka: lost the connection to c:3, reconnecting: socket hang up\n',
    ]);
  });

  it('says "connected" only for a broker whose failure it reported', () => {
    const h = harness();
    h.events.next({ type: 'connected', nodeId: 1, broker: 'a:1' });
    h.events.next({ type: 'connectFailed', nodeId: 2, broker: 'b:2', error: refused('b:2') });
    h.events.next({ type: 'connected', nodeId: 2, broker: 'b:2' });
    h.events.next({ type: 'connected', nodeId: 2, broker: 'b:2' });
    expect(h.lines).toEqual(['rxkafka: cannot connect, retrying: connection to b:2: connect ECONNREFUSED b:2\n', 'rxkafka: connected to b:2\n']);
    h.sub.unsubscribe();
  });
});
