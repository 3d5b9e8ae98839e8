import { from } from 'rxjs';
import type { ProducerInterceptor } from '../../src/types';
import type { Ack, ProducerRecord } from '../../src/types';
import { captureLogs } from '../support/logCapture';
import { answer, fakeClusterProducer } from '../support/fakeCluster';
import { recordsOf } from '../support/produceResponses';
import { advanceTo, tick } from '../support/virtualTime';

/** Produces `records` through a producer with `interceptors` on the fake broker; answers its one request at offset 10. */
async function run(interceptors: ProducerInterceptor[], records: ProducerRecord[], extra: Record<string, unknown> = {}) {
  const { logger, lines } = captureLogs('warn');
  const f = fakeClusterProducer({ interceptors, logger, stopOnError: false, ...extra });
  const events: string[] = [];
  const acks: Ack[] = [];
  let completed = false;
  let failed: unknown;
  f.producer.produce(from(records)).subscribe({
    next: (a) => {
      acks.push(a);
      events.push(`next:${String(a.meta)}`);
    },
    error: (e) => (failed = e),
    complete: () => (completed = true),
  });
  await advanceTo(f.scheduler, 0);
  const request = f.broker.requests[0];
  if (request !== undefined) answer(request, 10n);
  await tick();
  await tick();
  await f.producer.close(0);
  return { ...f, request, events, acks, completed, failed, lines };
}

const header = (r: ProducerRecord, key: string): unknown => (r.headers as Record<string, unknown> | undefined)?.[key];

describe('interceptors', () => {
  it('onSend hooks run in order before serialization, each on the previous one\'s record; what they return is what is sent', async () => {
    const seenByB: unknown[] = [];
    const a: ProducerInterceptor = {
      onSend: (r) => ({ ...r, headers: { ...(r.headers as object), a: '1' } }),
    };
    const b: ProducerInterceptor = {
      onSend: (r) => {
        seenByB.push(header(r, 'a'));
        return { ...r, value: `${String(r.value)}!`, headers: { ...(r.headers as object), b: '2' } };
      },
    };
    const observer: ProducerInterceptor = { onSend: () => undefined }; // returns nothing: record unchanged
    const { request, acks, completed } = await run([a, b, observer], [{ value: 'x', meta: 1, headers: { h: '0' } }, { value: 'y', meta: 2 }]);
    expect(completed).toBe(true);
    expect(seenByB).toEqual(['1', '1']);
    const wire = recordsOf(request.req);
    expect(wire.map((r) => r.value!.toString())).toEqual(['x!', 'y!']);
    expect(wire.map((r) => r.headers.map((h) => `${h.key}=${h.value}`))).toEqual([['h=0', 'a=1', 'b=2'], ['a=1', 'b=2']]);
    expect(acks.map((x) => x.meta)).toEqual([1, 2]);
  });

  it('onSend gets the topic the record goes to: its own, else the producer\'s topic option, as a previous hook left it', async () => {
    const topics: unknown[] = [];
    const redirect: ProducerInterceptor = { onSend: (r) => (r.meta === 3 ? { ...r, topic: 'moved' } : undefined) };
    await run([redirect, { onSend: (r, topic) => void topics.push([r.topic, topic]) }], [{ value: 'x' }, { topic: 'other', value: 'y' }, { value: 'z', meta: 3 }]);
    expect(topics).toEqual([[undefined, 't'], ['other', 'other'], ['moved', 'moved']]);
  });

  it('onAcknowledgement is called once per record, every hook in order, failed records too', async () => {
    const events: string[] = [];
    const hook = (name: string): ProducerInterceptor => ({
      onAcknowledgement: (ack) => events.push(`${name}:${String(ack.meta)}:${ack.error === undefined ? `ok@${ack.offset}` : ack.error.name}`),
    });
    const r = await run([hook('A'), hook('B')], [{ partition: 0, value: 'x', meta: 1 }, { partition: 0, value: { no: 'serializer' }, meta: 2 }, { partition: 0, value: 'z', meta: 3 }]);
    // Hooks see the acks in the order the stream gets them: the failed record's first (it never waited for a broker).
    expect(events.filter((e) => e.startsWith('A:'))).toEqual(['A:2:SerializationError', 'A:1:ok@10', 'A:3:ok@11']);
    expect(events.filter((e) => e.startsWith('B:'))).toEqual(['B:2:SerializationError', 'B:1:ok@10', 'B:3:ok@11']);
    expect(events.map((e) => e.slice(0, 3))).toEqual(['A:2', 'B:2', 'A:1', 'B:1', 'A:3', 'B:3']);
    expect(r.acks.map((a) => a.meta)).toEqual([2, 1, 3]);
  });

  it("each record's hooks run just before its ack is emitted, with the very ack object the stream gets", async () => {
    const order: string[] = [];
    const hooked: Ack[] = [];
    const emitted: Ack[] = [];
    const { logger } = captureLogs('warn');
    const f = fakeClusterProducer({
      logger,
      interceptors: [{ onAcknowledgement: (a) => void (order.push(`hook:${String(a.meta)}`), hooked.push(a)) }],
    });
    f.producer.produce(from([{ value: 'x', meta: 1 }, { value: 'y', meta: 2 }])).subscribe((a) => void (order.push(`ack:${String(a.meta)}`), emitted.push(a)));
    await advanceTo(f.scheduler, 0);
    answer(f.broker.requests[0]);
    await tick();
    expect(order).toEqual(['hook:1', 'ack:1', 'hook:2', 'ack:2']);
    expect(hooked[0]).toBe(emitted[0]);
    await f.producer.close(0);
  });

  it('records of a stream that stopped on an error, or that nobody listens to any more, still reach onAcknowledgement', async () => {
    const seen: unknown[] = [];
    const hook: ProducerInterceptor = { onAcknowledgement: (a) => void seen.push([a.meta, a.error?.name ?? 'ok']) };
    // stopOnError: the failed record gets no ack (the stream errors), its hook call still comes.
    const stopped = await run([hook], [{ value: { no: 'serializer' }, meta: 1 }], { stopOnError: true });
    expect(stopped.failed).toBeDefined();
    expect(seen).toEqual([[1, 'SerializationError']]);
    // Unsubscribed while in flight: acks go nowhere, hooks still hear of them.
    seen.length = 0;
    const { logger } = captureLogs('warn');
    const f = fakeClusterProducer({ logger, interceptors: [hook] });
    const subscription = f.producer.produce(from([{ value: 'x', meta: 7 }])).subscribe();
    await advanceTo(f.scheduler, 0);
    subscription.unsubscribe();
    answer(f.broker.requests[0]);
    await tick();
    expect(seen).toEqual([[7, 'ok']]);
    await f.producer.close(0);
  });

  it('a hook that throws (or returns a non-record) is logged at warn and ignored; the stream never breaks', async () => {
    const closed: string[] = [];
    const throwing: ProducerInterceptor = {
      onSend: () => {
        throw new Error('onSend bug');
      },
      onAcknowledgement: () => {
        throw new Error('onAcknowledgement bug');
      },
      close: () => {
        throw new Error('close bug');
      },
    };
    const wrong = { onSend: () => 42 } as unknown as ProducerInterceptor;
    const tagging: ProducerInterceptor = { onSend: (r) => ({ ...r, headers: { c: '3' } }), close: () => void closed.push('tagging') };
    const { request, acks, completed, lines } = await run([throwing, wrong, tagging], [{ value: 'x', meta: 1 }, { value: 'y', meta: 2 }]);
    expect(completed).toBe(true);
    expect(acks.map((a) => [a.meta, a.error])).toEqual([[1, undefined], [2, undefined]]);
    // The throwing and the wrong hook left the record as it was; the third still ran.
    expect(recordsOf(request.req).map((r) => r.headers.map((h) => h.key))).toEqual([['c'], ['c']]);
    expect(closed).toEqual(['tagging']);
    const warnings = lines.filter((l) => l.component === 'interceptors');
    expect(warnings.map((l) => [l.level, l.msg, l.interceptor])).toEqual([
      [40, 'onSend threw; the record goes on as the previous hooks left it', 0],
      [40, 'onSend returned neither a record nor nothing; the record goes on unchanged', 1],
      [40, 'onSend threw; the record goes on as the previous hooks left it', 0],
      [40, 'onSend returned neither a record nor nothing; the record goes on unchanged', 1],
      [40, 'onAcknowledgement threw; ignored', 0],
      [40, 'onAcknowledgement threw; ignored', 0],
      [40, 'close threw; ignored', 0],
    ]);
    expect(warnings[0]).toMatchObject({ clientId: 'rxkafka', err: { message: 'onSend bug' } });
  });

  it('none configured: the producer has no interceptors and the pipeline calls nothing per record', () => {
    const { producer } = fakeClusterProducer({});
    expect(producer.pipelineHost.interceptors).toBeNull();
    void producer.close(0);
  });

  it('is OpenTelemetry-friendly: onSend starts a span and injects a W3C traceparent header, onAcknowledgement ends it', async () => {
    // A fake tracer with OpenTelemetry's shape (startSpan, span.end, setAttribute, recordException,
    // propagation.inject into a carrier), so that the test needs no OpenTelemetry dependency.
    class FakeSpan {
      readonly attributes: Record<string, unknown> = {};
      ended = 0;
      exception: Error | undefined;
      constructor(readonly name: string, readonly traceId: string, readonly spanId: string) {}
      setAttribute(key: string, value: unknown): this {
        this.attributes[key] = value;
        return this;
      }
      recordException(e: Error): void {
        this.exception = e;
      }
      end(): void {
        this.ended++;
      }
    }
    const spans: FakeSpan[] = [];
    const tracer = {
      startSpan(name: string): FakeSpan {
        const n = spans.length + 1;
        const span = new FakeSpan(name, n.toString(16).padStart(32, '0'), n.toString(16).padStart(16, '0'));
        spans.push(span);
        return span;
      },
    };
    const propagation = {
      inject(span: FakeSpan, carrier: Record<string, string>): void {
        carrier.traceparent = `00-${span.traceId}-${span.spanId}-01`;
      },
    };

    // What a user writes (the proposed README example, with the real OpenTelemetry API in place of the fakes).
    const inFlight = new Map<unknown, FakeSpan>(); // by meta: each record has its own
    const tracing: ProducerInterceptor = {
      onSend(record, topic) {
        const span = tracer.startSpan(`${topic} publish`);
        span.setAttribute('messaging.system', 'kafka').setAttribute('messaging.destination.name', topic);
        inFlight.set(record.meta, span);
        const carrier: Record<string, string> = {};
        propagation.inject(span, carrier);
        return { ...record, headers: { ...(record.headers as object), ...carrier } };
      },
      onAcknowledgement(ack) {
        const span = inFlight.get(ack.meta);
        inFlight.delete(ack.meta);
        if (span === undefined) return;
        if (ack.error !== undefined) span.recordException(ack.error);
        else span.setAttribute('messaging.destination.partition.id', String(ack.partition)).setAttribute('messaging.kafka.offset', Number(ack.offset));
        span.end();
      },
    };

    const { request, acks } = await run([tracing], [
      { partition: 0, value: 'a', meta: 'order-1' },
      { partition: 0, value: 'b', meta: 'order-2' },
      { partition: 0, value: Symbol('unserializable'), meta: 'order-3' },
    ]);
    expect(acks).toHaveLength(3);
    expect(spans.map((s) => [s.name, s.ended])).toEqual([['t publish', 1], ['t publish', 1], ['t publish', 1]]);
    // The header on the wire is each record's own span context.
    const wire = recordsOf(request.req);
    expect(wire.map((r) => r.headers.find((h) => h.key === 'traceparent')!.value!.toString())).toEqual([
      `00-${spans[0].traceId}-${spans[0].spanId}-01`,
      `00-${spans[1].traceId}-${spans[1].spanId}-01`,
    ]);
    expect(spans[0].attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.partition.id': '0', 'messaging.kafka.offset': 10 });
    expect(spans[1].attributes['messaging.kafka.offset']).toBe(11);
    expect(spans[2].exception?.name).toBe('SerializationError');
    expect(inFlight.size).toBe(0);
  });
});
