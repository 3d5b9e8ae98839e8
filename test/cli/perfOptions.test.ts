import { CliUsageError } from '../../src/cli/options';
import { parsePerfArgs } from '../../src/cli/perfOptions';

const base = ['--brokers', 'localhost:9092', '--topic', 't', '--num-records', '1000'];

describe('parsePerfArgs', () => {
  it('defaults: 100-byte keyless records, no rate limit, producer defaults', () => {
    expect(parsePerfArgs(base)).toEqual({
      config: { brokers: 'localhost:9092', topic: 't', stopOnError: false },
      numRecords: 1000,
      recordSize: 100,
      throughput: Infinity,
      keyCount: 0,
      metrics: false,
      closeTimeoutMs: 5000,
    });
  });

  it("takes kafka-producer-perf-test's flags and produce's tuning flags, plus --buffer-memory", () => {
    const c = parsePerfArgs([
      ...base,
      '--record-size', '1000', '--throughput', '2500.5', '--key-count', '10', '--acks', '-1',
      '--linger-ms', '20', '--batch-size', '65536', '--max-in-flight', '3', '--buffer-memory', '8388608', '--no-idempotence', '--no-send-when-idle', '--metrics',
    ]);
    expect(c).toEqual({
      config: {
        brokers: 'localhost:9092', topic: 't', stopOnError: false, acks: '-1', idempotence: false, sendWhenIdle: false,
        lingerMs: 20, batchSize: 65536, maxInFlight: 3, bufferMemory: 8388608,
      },
      numRecords: 1000,
      recordSize: 1000,
      throughput: 2500.5,
      keyCount: 10,
      metrics: true,
      closeTimeoutMs: 5000,
    });
  });

  it('takes --compression and --compression-level as produce does', () => {
    expect(parsePerfArgs([...base, '--compression', 'zstd', '--compression-level', '9']).config).toEqual({
      brokers: 'localhost:9092', topic: 't', stopOnError: false, compressionType: 'zstd', compressionZstdLevel: 9,
    });
    expect(parsePerfArgs([...base, '--compression', 'snappy']).config.compressionType).toBe('snappy');
  });

  it('--throughput -1 is no limit', () => {
    expect(parsePerfArgs([...base, '--throughput', '-1']).throughput).toBe(Infinity);
  });

  it.each([
    [['--brokers', 'b:1', '--topic', 't'], /^--num-records is required/],
    [[...base.slice(0, 4), '--num-records', '0'], /^--num-records must be at least 1$/],
    [[...base.slice(0, 4), '--num-records', '1e6'], /^--num-records must be a non-negative integer, got '1e6'$/],
    [['--topic', 't', '--num-records', '5'], /^--brokers is required/],
    [[...base, '--record-size', '-5'], /^--record-size must be a non-negative integer, got '-5'$/],
    [[...base, '--key-count', 'ten'], /^--key-count must be a non-negative integer/],
    [[...base, '--throughput', '0'], /^--throughput must be a positive number of records\/s, or -1 for no limit, got '0'$/],
    [[...base, '--throughput', '-2'], /^--throughput must be a positive number/],
    [[...base, '--throughput', 'fast'], /^--throughput must be a positive number/],
    [[...base, '--acks', '2'], /^--acks must be all, 1 or 0, got '2'$/],
    [[...base, '--buffer-memory', '0'], /^--buffer-memory: must be an integer from 1/],
    [[...base, '--compression', 'lzo'], /^--compression must be none, gzip, snappy, lz4 or zstd, got 'lzo'$/],
    [[...base, '--compression', 'gzip', '--compression-level', '10'], /^--compression-level: must be an integer from 1 \(fastest\) to 9/],
    [[...base, '--linger-ms', '-1'], /^--linger-ms must be a non-negative integer/],
    [[...base, '--max-in-flight', '6'], /^--max-in-flight: .*--no-idempotence/],
    [[...base, '--format', 'ndjson'], /--format/],
    [[...base, 'extra'], /extra/],
  ])('%j → CliUsageError %s', (args, message) => {
    let caught: unknown;
    try {
      parsePerfArgs(args);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CliUsageError);
    expect((caught as Error).message).toMatch(message);
  });
});
