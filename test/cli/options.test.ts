import { ConfigError } from '../../src/errors';
import { CliUsageError, inCliTerms, parse, usageErrorFromConfig } from '../../src/cli/options';
import { parseProduceArgs } from '../../src/cli/produceOptions';

const base = ['--brokers', 'localhost:9092', '--topic', 't'];

describe('parse', () => {
  it('takes a negative number as the value of a string option, not as a flag', () => {
    expect(parse(['--n', '-1'], { n: { type: 'string' } }).values.n).toBe('-1');
  });

  it('turns parseArgs errors into CliUsageError', () => {
    expect(() => parse(['--nope'], {})).toThrow(CliUsageError);
  });
});

describe('inCliTerms / usageErrorFromConfig', () => {
  it('speaks in flags', () => {
    expect(inCliTerms('raise maxBlockMs, or set idempotence: false')).toBe('raise --max-block-ms, or set --no-idempotence');
    expect(usageErrorFromConfig(new ConfigError('lingerMs', 'bad')).message).toBe('--linger-ms: bad');
  });
});

describe('parseProduceArgs', () => {
  it('maps flags to producer options, every record reported on its own', () => {
    const c = parseProduceArgs([...base, '--acks', '1', '--linger-ms', '20', '--max-request-size', '2097152', '--no-idempotence', '--no-send-when-idle', 'in.txt']);
    expect(c).toEqual({
      config: { brokers: 'localhost:9092', topic: 't', stopOnError: false, acks: '1', idempotence: false, sendWhenIdle: false, lingerMs: 20, maxRequestSize: 2097152 },
      format: 'lines',
      keyField: undefined,
      file: 'in.txt',
      closeTimeoutMs: 5000,
    });
  });

  it('--close-timeout-ms: how long a signalled run waits for its acks, 0 allowed, not a producer option', () => {
    expect(parseProduceArgs([...base, '--close-timeout-ms', '0'])).toMatchObject({ closeTimeoutMs: 0, config: { brokers: 'localhost:9092', topic: 't', stopOnError: false } });
    expect(parseProduceArgs([...base, '--close-timeout-ms=30000']).closeTimeoutMs).toBe(30000);
    expect(() => parseProduceArgs([...base, '--close-timeout-ms', '1.5'])).toThrow(/^--close-timeout-ms must be a non-negative integer, got '1.5'$/);
  });

  it.each([
    [['--compression', 'gzip'], { compressionType: 'gzip' }],
    [['--compression', 'none'], { compressionType: 'none' }],
    [['--compression', 'snappy'], { compressionType: 'snappy' }],
    [['--compression', 'lz4', '--compression-level', '1'], { compressionType: 'lz4', compressionLz4Level: 1 }],
    [['--compression', 'zstd', '--compression-level', '-5'], { compressionType: 'zstd', compressionZstdLevel: -5 }],
    [['--compression', 'gzip', '--compression-level', '-1'], { compressionType: 'gzip', compressionGzipLevel: -1 }],
    [['--compression-level=9', '--compression', 'gzip'], { compressionType: 'gzip', compressionGzipLevel: 9 }],
  ])('%j sets %j', (extra, options) => {
    expect(parseProduceArgs([...base, ...extra]).config).toEqual({ brokers: 'localhost:9092', topic: 't', stopOnError: false, ...options });
  });

  it.each([
    [['--acks', '2'], /^--acks must be all, 1 or 0, got '2'$/],
    [['--linger-ms', '-1'], /^--linger-ms must be a non-negative integer, got '-1'$/],
    [['--batch-size', '1e3'], /^--batch-size must be a non-negative integer/],
    [['--key-field', 'id'], /^--key-field needs --format ndjson/],
    [['--format', 'csv'], /^--format must be 'lines' or 'ndjson'/],
    [['--max-in-flight', '6'], /^--max-in-flight: .*--no-idempotence/],
    [['--batch-size', '2000000'], /^--batch-size: .*--max-request-size=1048576/],
    [['a', 'b'], /^one input FILE at most/],
    [['--compression', 'brotli'], /^--compression must be none, gzip, snappy, lz4 or zstd, got 'brotli'$/],
    [['--compression', 'GZIP'], /^--compression must be none/],
    [['--compression-level', '3'], /^--compression-level needs --compression gzip, lz4 or zstd/],
    [['--compression', 'snappy', '--compression-level', '3'], /^--compression-level needs --compression gzip, lz4 or zstd \(none and snappy have no levels\)$/],
    [['--compression', 'zstd', '--compression-level', 'max'], /^--compression-level must be an integer, got 'max'$/],
    [['--compression', 'zstd', '--compression-level', '23'], /^--compression-level: must be an integer from -131072 to 22 \(zstd level\), got 23$/],
    [['--compression', 'gzip', '--compression-level', '0'], /^--compression-level: must be an integer from 1 \(fastest\) to 9 \(smallest\), or -1/],
    [['--compression', 'lz4', '--compression-level', '18'], /^--compression-level: must be an integer from 1 to 17/],
  ])('%j → CliUsageError %s', (extra, message) => {
    let caught: unknown;
    try {
      parseProduceArgs([...base, ...extra]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CliUsageError);
    expect((caught as Error).message).toMatch(message);
  });
});
