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
    const c = parseProduceArgs([...base, '--acks', '1', '--linger-ms', '20', '--max-request-size', '2097152', '--no-idempotence', 'in.txt']);
    expect(c).toEqual({
      config: { brokers: 'localhost:9092', topic: 't', stopOnError: false, acks: '1', idempotence: false, lingerMs: 20, maxRequestSize: 2097152 },
      format: 'lines',
      keyField: undefined,
      file: 'in.txt',
    });
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
