import { EMPTY } from 'rxjs';
import { ConfigError } from '../../src/errors';
import { ProducerConfig, resolveConfig } from '../../src/config/config';
import { jsonSerializer } from '../../src/serde';
import { createProducer, toKafka } from '../../operators';
import { captureLogs } from '../support/logCapture';
// pino writes asynchronously through the stream: tick lets it flush.
import { tick } from '../support/virtualTime';
import { brokers, configError } from './resolveConfigHelpers';

describe('resolveConfig', () => {
  describe('defaults (Kafka 4.x producer)', () => {
    it('fills in every default', () => {
      const c = resolveConfig({ brokers });
      expect(c).toMatchObject({
        brokers: ['localhost:9092'],
        clientId: 'rxkafka',
        topic: undefined,
        acks: -1,
        idempotence: true,
        lingerMs: 5,
        batchSize: 262144,
        bufferMemory: 33554432,
        maxInFlight: 5,
        retries: 2147483647,
        deliveryTimeoutMs: 120000,
        requestTimeoutMs: 30000,
        retryBackoffMs: 100,
        retryBackoffMaxMs: 1000,
        reconnectBackoffMs: 50,
        reconnectBackoffMaxMs: 1000,
        socketConnectionSetupTimeoutMs: 10000,
        maxRequestSize: 1048576,
        metadataMaxAgeMs: 300000,
        maxBlockMs: 60000,
        compressionType: 'none',
        compressionGzipLevel: -1,
        compressionLz4Level: 9,
        compressionZstdLevel: 3,
        compressionCodec: null,
        bufferPolicy: 'error',
        stopOnError: true,
        allowAutoTopicCreation: true,
        partitioner: undefined,
        serializers: { key: undefined, value: undefined },
        transactionalId: null,
        transactionTimeoutMs: 60000,
      });
      expect([...c.explicit]).toEqual(['brokers']);
      expect(c).not.toHaveProperty('logLevel');
    });

    it('has a silent pino logger by default, and honours logLevel', () => {
      expect(resolveConfig({ brokers }).logger.level).toBe('silent');
      expect(resolveConfig({ brokers, logLevel: 'debug' }).logger.level).toBe('debug');
      const { logger } = captureLogs('info');
      expect(resolveConfig({ brokers, logger }).logger).toBe(logger);
    });

    it('keeps given values and records which options were explicit', () => {
      const partitioner = () => 0;
      const c = resolveConfig({
        brokers: ['a:1', 'b:2'],
        topic: 'events',
        lingerMs: 50,
        acks: 'all',
        partitioner,
        serializers: { value: jsonSerializer },
        bufferPolicy: 'drop-newest',
        stopOnError: false,
      });
      expect(c.brokers).toEqual(['a:1', 'b:2']);
      expect(c.topic).toBe('events');
      expect(c.lingerMs).toBe(50);
      expect(c.partitioner).toBe(partitioner);
      expect(c.serializers.value).toBe(jsonSerializer);
      expect(c.serializers.key).toBeUndefined();
      expect(c.bufferPolicy).toBe('drop-newest');
      expect(c.stopOnError).toBe(false);
      expect(c.explicit).toEqual(new Set(['brokers', 'topic', 'lingerMs', 'acks', 'partitioner', 'serializers', 'bufferPolicy', 'stopOnError']));
    });

    it('treats an option set to undefined as not set', () => {
      const c = resolveConfig({ brokers, lingerMs: undefined, idempotence: undefined, acks: 1 });
      expect(c.lingerMs).toBe(5);
      expect(c.explicit.has('idempotence')).toBe(false);
      expect(c.idempotence).toBe(false); // acks 1 without explicit idempotence
    });
  });

  describe('brokers', () => {
    it('accepts a comma-separated string or an array, trimming spaces', () => {
      expect(resolveConfig({ brokers: ' a:9092 , b.example.com:9093,' }).brokers).toEqual(['a:9092', 'b.example.com:9093']);
      expect(resolveConfig({ brokers: ['a:1', 'b:2,c:3'] }).brokers).toEqual(['a:1', 'b:2', 'c:3']);
      expect(resolveConfig({ brokers: '[::1]:9092' }).brokers).toEqual(['[::1]:9092']);
    });

    it('is required', () => {
      const err = configError({ topic: 't' });
      expect(err.option).toBe('brokers');
      expect(err.message).toBe("invalid producer option 'brokers': is required: the bootstrap brokers, e.g. brokers: 'localhost:9092'");
    });

    it.each([
      ['localhost', /'localhost' is not host:port .*the port is required/],
      ['localhost:0', /'localhost:0' is not host:port/],
      ['localhost:70000', /'localhost:70000' is not host:port/],
      ['a b:9092', /'a b:9092': 'a b' is not a host name or IP address/],
      ['-kafka:9092', /'-kafka:9092': '-kafka' is not a host name or IP address \(dot-separated labels/],
      ['kafka-.example.com:9092', /'kafka-\.example\.com' is not a host name/],
      ['a..b:9092', /'a\.\.b' is not a host name/],
      ['.:9092', /'\.' is not a host name/],
      [`${'a'.repeat(64)}:9092`, /is not a host name/],
      ['[kafka]:9092', /'\[kafka\]:9092': 'kafka' in brackets is not an IPv6 address/],
      ['[]:9092', /'' in brackets is not an IPv6 address/],
      ['host:9092:9093', /'host:9092:9093' is not host:port/],
      ['::1:9092', /'::1:9092' is not host:port .*\[::1\]:9092 for IPv6/],
      ['kafka:', /'kafka:' is not host:port/],
      ['PLAINTEXT://kafka:9092', /write brokers as host:port, without 'PLAINTEXT:\/\/'/],
      [' , ', /lists no broker/],
      [9092, /must be a string 'host:port,host:port' or an array/],
      [['a:1', 2], /must be a string 'host:port,host:port' or an array/],
    ])('rejects %p', (value, message) => {
      const err = configError({ brokers: value });
      expect(err.option).toBe('brokers');
      expect(err.message).toMatch(message);
    });
  });

  it.each([
    'kafka_1:9092',
    '10.0.0.1:9092',
    'kafka.example.com.:9092',
    '[fe80::1%eth0]:9092',
    '[::ffff:10.0.0.1]:9092',
    `${'a'.repeat(63)}.example:65535`,
  ])('accepts the broker address %s', (address) => {
    expect(resolveConfig({ brokers: address }).brokers).toEqual([address]);
  });

  describe('acks', () => {
    it.each([
      ['all', -1],
      [-1, -1],
      ['-1', -1],
      [0, 0],
      ['0', 0],
      [1, 1],
      ['1', 1],
    ])('resolves %p to %p', (given, resolved) => {
      expect(resolveConfig({ brokers, acks: given, idempotence: false }).acks).toBe(resolved);
    });

    it.each([[2], ['ALL'], ['leader'], [true]])('rejects %p', (given) => {
      expect(configError({ brokers, acks: given }).message).toMatch(/^invalid producer option 'acks': must be 'all' \(or -1\), 1 or 0, got/);
    });
  });

  describe('Java-style names', () => {
    const aliases: Array<[string, string, unknown, unknown]> = [
      ['bootstrap.servers', 'brokers', 'k1:9092,k2:9092', ['k1:9092', 'k2:9092']],
      ['client.id', 'clientId', 'billing', 'billing'],
      ['acks', 'acks', 'all', -1],
      ['enable.idempotence', 'idempotence', false, false],
      ['linger.ms', 'lingerMs', 20, 20],
      ['batch.size', 'batchSize', 32768, 32768],
      ['buffer.memory', 'bufferMemory', 67108864, 67108864],
      ['max.in.flight.requests.per.connection', 'maxInFlight', 3, 3],
      ['retries', 'retries', 10, 10],
      ['delivery.timeout.ms', 'deliveryTimeoutMs', 200000, 200000],
      ['request.timeout.ms', 'requestTimeoutMs', 40000, 40000],
      ['retry.backoff.ms', 'retryBackoffMs', 200, 200],
      ['retry.backoff.max.ms', 'retryBackoffMaxMs', 2000, 2000],
      ['reconnect.backoff.ms', 'reconnectBackoffMs', 60, 60],
      ['reconnect.backoff.max.ms', 'reconnectBackoffMaxMs', 3000, 3000],
      ['socket.connection.setup.timeout.ms', 'socketConnectionSetupTimeoutMs', 5000, 5000],
      ['max.request.size', 'maxRequestSize', 2097152, 2097152],
      ['metadata.max.age.ms', 'metadataMaxAgeMs', 60000, 60000],
      ['max.block.ms', 'maxBlockMs', 1000, 1000],
      ['compression.type', 'compressionType', 'zstd', 'zstd'],
      ['compression.gzip.level', 'compressionGzipLevel', 9, 9],
      ['compression.lz4.level', 'compressionLz4Level', 17, 17],
      ['compression.zstd.level', 'compressionZstdLevel', -5, -5],
      ['transactional.id', 'transactionalId', 'tx-1', 'tx-1'],
      ['transaction.timeout.ms', 'transactionTimeoutMs', 30000, 30000],
    ];

    it.each(aliases)('%s sets %s', (alias, name, given, resolved) => {
      const config: Record<string, unknown> = alias === 'bootstrap.servers' ? {} : { brokers };
      config[alias] = given;
      const c = resolveConfig(config) as unknown as Record<string, unknown>;
      expect(c[name]).toEqual(resolved);
      expect((c.explicit as Set<string>).has(name)).toBe(true);
    });

    it.each(aliases.filter(([alias, name]) => alias !== name))('giving both %s and %s is an error', (alias, name, given) => {
      const config: Record<string, unknown> = { brokers, [name]: given, [alias]: given };
      const err = configError(config);
      expect(err.message).toBe(`invalid producer option '${alias}': '${name}' and '${alias}' are the same option: give only one of them`);
    });

    it('accepts numbers and booleans as strings under Java names, as in a .properties file', () => {
      const c = resolveConfig({ 'bootstrap.servers': brokers, 'linger.ms': '25', 'batch.size': ' 1024 ', 'enable.idempotence': 'false', retries: '3' });
      expect(c.lingerMs).toBe(25);
      expect(c.batchSize).toBe(1024);
      expect(c.idempotence).toBe(false);
      expect(c.retries).toBe(3);
    });

    it('does not accept strings for camelCase numbers (the TypeScript type says number)', () => {
      expect(configError({ brokers, lingerMs: '25' }).message).toBe("invalid producer option 'lingerMs': must be a number (ms), got '25'");
      expect(configError({ brokers, idempotence: 'false' }).message).toBe("invalid producer option 'idempotence': must be true or false, got 'false'");
    });

    it('names the option as the user wrote it', () => {
      expect(configError({ brokers, 'linger.ms': -1 }).message).toMatch(/^invalid producer option 'linger.ms': must be an integer from 0/);
    });
  });

  describe('types and ranges', () => {
    it.each([
      ['lingerMs', -1, /must be an integer from 0 to 2147483647 \(ms\), got -1/],
      ['lingerMs', 1.5, /must be an integer from 0 to 2147483647 \(ms\), got 1.5/],
      ['lingerMs', NaN, /must be an integer/],
      ['lingerMs', 2 ** 31, /must be an integer from 0 to 2147483647/],
      ['batchSize', -10, /must be an integer from 0 .* \(bytes\)/],
      ['bufferMemory', 0, /must be an integer from 1 .* \(bytes\), got 0/],
      ['maxInFlight', 0, /must be an integer from 1 .* \(requests\), got 0/],
      ['retries', -1, /must be an integer from 0/],
      ['deliveryTimeoutMs', 'soon', /must be a number \(ms\), got 'soon'/],
      ['requestTimeoutMs', 0, /must be an integer from 1/],
      ['retryBackoffMs', -5, /must be an integer from 0/],
      ['retryBackoffMaxMs', null, /must be a number \(ms\), got null/],
      ['reconnectBackoffMs', {}, /must be a number \(ms\), got an object/],
      ['reconnectBackoffMaxMs', -1, /must be an integer from 0/],
      ['socketConnectionSetupTimeoutMs', 0, /must be an integer from 1/],
      ['maxRequestSize', 0, /must be an integer from 1/],
      ['metadataMaxAgeMs', -1, /must be an integer from 0/],
      ['maxBlockMs', 1e12, /must be an integer from 0 to 2147483647/],
      ['clientId', 5, /must be a string, got 5/],
      ['clientId', 'é'.repeat(16384), /is 32768 bytes long; the Kafka request header holds at most 32767: shorten it/],
      ['topic', '', /'' is not a valid Kafka topic name/],
      ['topic', 'a/b', /'a\/b' is not a valid Kafka topic name/],
      ['topic', 7, /must be a topic name \(a string\), got 7/],
      ['idempotence', 1, /must be true or false, got 1/],
      ['stopOnError', 'yes', /must be true or false/],
      ['allowAutoTopicCreation', null, /must be true or false, got null/],
      ['bufferPolicy', 'drop-oldest', /must be one of 'error', 'drop-newest', 'buffer', got 'drop-oldest'/],
      ['partitioner', 'murmur2', /must be a function \(record, numPartitions\) => partition, got 'murmur2'/],
      ['serializers', jsonSerializer, /must be an object \{ key\?, value\? \}/],
      ['logger', console, /must be a pino logger/],
      ['logLevel', 'verbose', /must be one of 'silent', 'fatal'/],
      ['transactionalId', 5, /must be a string \(the producer's transactional id.*\) or null, got 5/],
      ['transactionTimeoutMs', 0, /transactionTimeoutMs/],
    ])('%s = %p', (option, value, message) => {
      const err = configError({ brokers, [option]: value });
      expect(err.option).toBe(option);
      expect(err.message.startsWith(`invalid producer option '${option}': `)).toBe(true);
      expect(err.message).toMatch(message);
    });

    it('checks each serializer slot', () => {
      expect(configError({ brokers, serializers: { value: 'json' } }).message).toBe(
        "invalid producer option 'serializers.value': must be a function (data, topic) => Buffer | null, e.g. serializers.json, got 'json'",
      );
      expect(configError({ brokers, serializers: { values: jsonSerializer } }).message).toMatch(/'serializers.values': is not a serializer slot/);
    });

    it('refuses a configuration that is not an object', () => {
      expect(configError(null as never).message).toMatch(/must be an object such as \{ brokers/);
      expect(configError('localhost:9092' as never).option).toBe('config');
    });

    it('refuses logger together with logLevel', () => {
      const { logger } = captureLogs('info');
      expect(configError({ brokers, logger, logLevel: 'info' }).message).toMatch(/'logLevel': applies to the default logger only/);
    });
  });

  it('accepts a clientId of 32767 bytes, the most a request header holds', () => {
    expect(resolveConfig({ brokers, clientId: 'x'.repeat(32767) }).clientId).toHaveLength(32767);
  });

  it('type-checks Java names next to camelCase ones', () => {
    const config: ProducerConfig = { brokers, topic: 'events', 'linger.ms': '10' };
    expect(resolveConfig(config).lingerMs).toBe(10);
  });
});

/**
 * What issue #3 lists as invalid, through the two ways a producer is made: each throws a
 * ConfigError synchronously, before anything connects (the broker address is never dialled),
 * naming the option and what to do.
 */
describe('invalid configurations fail at creation', () => {
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['idempotence with acks 1', { idempotence: true, acks: 1 }, 'acks', /set acks: 'all', or idempotence: false/],
    ['idempotence with acks 0', { 'enable.idempotence': 'true', acks: '0' }, 'acks', /set acks: 'all', or enable.idempotence: false/],
    ['more than 5 in flight with idempotence', { maxInFlight: 6 }, 'maxInFlight', /set maxInFlight to 5 or less, or idempotence: false/],
    ['a negative size', { batchSize: -1 }, 'batchSize', /must be an integer from 0/],
    ['a non-integer size', { bufferMemory: 1024.5 }, 'bufferMemory', /must be an integer from 1/],
    ['a negative timeout', { requestTimeoutMs: -30000 }, 'requestTimeoutMs', /must be an integer from 1/],
    ['a non-integer timeout', { 'linger.ms': '0.5' }, 'linger.ms', /must be a number \(ms\), got '0.5'/],
    ['an unknown option', { lingerMS: 5 }, 'lingerMS', /did you mean 'lingerMs'\?/],
    ['an unknown Java option', { 'batch.sise': '100' }, 'batch.sise', /did you mean 'batch.size'\?/],
    ['batchSize above maxRequestSize', { batchSize: 4096, maxRequestSize: 1024 }, 'batchSize', /lower batchSize or raise maxRequestSize/],
    [
      'deliveryTimeoutMs below lingerMs + requestTimeoutMs',
      { deliveryTimeoutMs: 1000, lingerMs: 500, requestTimeoutMs: 1000 },
      'deliveryTimeoutMs',
      /raise deliveryTimeoutMs to at least 1500/,
    ],
    ['no brokers', { brokers: ' , ' }, 'brokers', /give at least one host:port/],
    ['a broker without a port', { brokers: 'kafka-1:9092,kafka-2' }, 'brokers', /'kafka-2' is not host:port/],
    ['a broker with a URL scheme', { brokers: 'kafka://kafka-1:9092' }, 'brokers', /without 'kafka:\/\/'/],
  ];

  const makers: Array<[string, (config: ProducerConfig) => unknown]> = [
    ['createProducer', (config) => createProducer(config)],
    ['toKafka (where it is called, not on subscribe)', (config) => toKafka(config)],
  ];

  it.each(cases)('%s: createProducer and toKafka throw at once', (_what, config, option, message) => {
    for (const [name, make] of makers) {
      let thrown: unknown;
      try {
        make({ brokers: 'localhost:1', ...config } as ProducerConfig);
      } catch (err) {
        thrown = err;
      }
      if (!(thrown instanceof ConfigError)) throw new Error(`${name} gave ${String(thrown)}`);
      expect(thrown.option).toBe(option);
      expect(thrown.message).toMatch(message);
    }
  });
});

describe('toKafka', () => {
  it('checks and logs the configuration once, however many times the operator is subscribed', async () => {
    const { logger, lines } = captureLogs('info');
    const operator = toKafka({ brokers, acks: 1, logger });
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve, reject) => EMPTY.pipe(operator).subscribe({ complete: resolve, error: reject }));
    await tick();
    expect(lines.filter((l) => String(l.msg).startsWith('idempotence is disabled'))).toHaveLength(1);
  });

  it('a resolved configuration passes through resolveConfig unchanged', () => {
    const resolved = resolveConfig({ brokers, lingerMs: 7 });
    expect(resolveConfig(resolved)).toBe(resolved);
    expect(resolveConfig({ brokers, lingerMs: 7 })).not.toBe(resolved);
  });
});
