import { ConfigError } from '../../src/errors';
import { resolveConfig } from '../../src/config/config';

const brokers = 'localhost:9092';

describe('observability options', () => {
  it('metricsIntervalMs: default 5000; Java name metrics.sample.window.ms accepted, as a string too', () => {
    expect(resolveConfig({ brokers }).metricsIntervalMs).toBe(5000);
    expect(resolveConfig({ brokers, metricsIntervalMs: 1000 }).metricsIntervalMs).toBe(1000);
    expect(resolveConfig({ brokers, 'metrics.sample.window.ms': '30000' }).metricsIntervalMs).toBe(30000);
    expect(() => resolveConfig({ brokers, metricsIntervalMs: 0 })).toThrow(/metricsIntervalMs.*must be an integer from 1/);
  });

  it('interceptors: default none; each must be an object with at least one hook, every hook a function', () => {
    expect(resolveConfig({ brokers }).interceptors).toEqual([]);
    const hook = { onSend: () => undefined };
    expect(resolveConfig({ brokers, interceptors: [hook] }).interceptors).toEqual([hook]);
    expect(() => resolveConfig({ brokers, interceptors: hook as never })).toThrow(ConfigError);
    expect(() => resolveConfig({ brokers, interceptors: hook as never })).toThrow(/interceptors.*must be an array of interceptors/);
    expect(() => resolveConfig({ brokers, interceptors: [null as never] })).toThrow(/interceptors\[0\].*must be an object/);
    expect(() => resolveConfig({ brokers, interceptors: [{} as never] })).toThrow(/interceptors\[0\].*has none of onSend, onAcknowledgement or close/);
    expect(() => resolveConfig({ brokers, interceptors: [hook, { onSend: () => undefined, onAcknowledgement: 'x' } as never] })).toThrow(
      /interceptors\[1\]\.onAcknowledgement.*must be a function/,
    );
  });

  it("Java's interceptor.classes points to interceptors", () => {
    expect(() => resolveConfig({ brokers, 'interceptor.classes': 'com.example.Tracing' })).toThrow(
      /interceptor\.classes.*rxkafka takes objects, not classes: interceptors: \[\{ onSend/,
    );
  });
});
