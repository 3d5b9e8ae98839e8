import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../src/config/config';
import { parsePerfArgs } from '../../src/cli/perfOptions';
import { parseProduceArgs } from '../../src/cli/produceOptions';
import { usageErrorOf } from '../support/cliUsageError';

// `--producer.config` and `-X` through the commands' own argument parsing: the file, then each
// -X, then the flags; bad values named by their line.

let dir: string;
let props: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxkafka-props-'));
  props = path.join(dir, 'client.properties');
  fs.writeFileSync(props, 'bootstrap.servers=from-file:9092\nlinger.ms=50\nbatch.size=4096\nacks=1\nclient.id=from-file\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('rxkafka produce with --producer.config and -X', () => {
  it('the file gives bootstrap.servers: no --brokers needed', () => {
    const { config } = parseProduceArgs(['--topic', 't', '--producer.config', props]);
    expect(config).toEqual({
      'bootstrap.servers': 'from-file:9092',
      'linger.ms': '50',
      'batch.size': '4096',
      acks: '1',
      'client.id': 'from-file',
      topic: 't',
      stopOnError: false,
    });
    expect(resolveConfig(config)).toMatchObject({ brokers: ['from-file:9092'], lingerMs: 50, batchSize: 4096, acks: 1, clientId: 'from-file' });
  });

  it('-X wins over the file, and a flag over both (same option, any name)', () => {
    const { config } = parseProduceArgs([
      '--topic', 't', '--producer.config', props, '-X', 'linger.ms=7', '-X', 'client.id=from-x', '--producer-property', 'acks=0', '--linger-ms', '3', '--brokers', 'from-flag:9092',
    ]);
    const resolved = resolveConfig(config);
    expect(resolved).toMatchObject({ brokers: ['from-flag:9092'], lingerMs: 3, batchSize: 4096, acks: 0, clientId: 'from-x' });
  });

  it('a bad value is named by its line (file) or as -X', () => {
    fs.writeFileSync(path.join(dir, 'bad.properties'), 'bootstrap.servers=h:9092\n\nlinger.ms=soon\n');
    expect(usageErrorOf(() => parseProduceArgs(['--topic', 't', '--producer.config', path.join(dir, 'bad.properties')]))).toBe(
      `${path.join(dir, 'bad.properties')}:3: linger.ms: must be a number (ms), got 'soon'`,
    );
    expect(usageErrorOf(() => parseProduceArgs(['--topic', 't', '--brokers', 'h:1', '-X', 'max.in.flight.requests.per.connection=0']))).toBe(
      "-X max.in.flight.requests.per.connection: must be an integer from 1 to 2147483647 (requests), got '0'",
    );
  });

  it('no brokers anywhere: says where they may come from', () => {
    expect(usageErrorOf(() => parseProduceArgs(['--topic', 't', '-X', 'linger.ms=1']))).toBe(
      '--brokers is required: neither --brokers nor bootstrap.servers (in --producer.config or -X) was given',
    );
    expect(usageErrorOf(() => parseProduceArgs(['--topic', 't']))).toBe('--brokers is required (e.g. --brokers localhost:9092)');
  });

  it('-Xname=value, joined, as kcat takes it', () => {
    const { config } = parseProduceArgs(['--topic', 't', '-Xbootstrap.servers=h:9092', '-Xlinger.ms=9']);
    expect(resolveConfig(config)).toMatchObject({ brokers: ['h:9092'], lingerMs: 9 });
  });
});

describe('rxkafka perf with --producer.config and -X', () => {
  it('takes them too; --buffer-memory wins over buffer.memory', () => {
    const c = parsePerfArgs(['--topic', 't', '--num-records', '10', '--producer.config', props, '-X', 'buffer.memory=1000000', '--buffer-memory', '2000000']);
    expect(resolveConfig(c.config)).toMatchObject({ brokers: ['from-file:9092'], lingerMs: 50, bufferMemory: 2000000 });
  });
});
