// The rules between options (crossOptionRules.ts): compression levels and codecs, transactions,
// sizes, delivery timeout, backoff bounds, and Java's idempotence rules, each an error naming the
// option as given, or an adjustment that is logged.
import { resolveConfig } from '../../src/config/config';
import { captureLogs } from '../support/logCapture';
// pino writes asynchronously through the stream: tick lets it flush.
import { tick } from '../support/virtualTime';
import { brokers, configError } from './resolveConfigHelpers';

describe('resolveConfig', () => {
  describe('compression', () => {
    it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)('compressionType %s makes that codec', (codec) => {
      const c = resolveConfig({ brokers, compressionType: codec });
      expect(c.compressionType).toBe(codec);
      expect(c.compressionCodec!.name).toBe(codec);
    });

    it("'none' (the default) makes none", () => {
      expect(resolveConfig({ brokers, compressionType: 'none' }).compressionCodec).toBeNull();
    });

    it('the level reaches the codec (zstd 19 compresses smaller than zstd -5)', () => {
      const input = Buffer.from(Array.from({ length: 4000 }, (_, i) => `{"n":${i},"s":"${(i * 7919) % 1000}"}`).join('\n'));
      const size = (level: number) => resolveConfig({ brokers, compressionType: 'zstd', compressionZstdLevel: level }).compressionCodec!.compressSync(input).length;
      expect(size(19)).toBeLessThan(size(-5));
    });

    it.each([
      [{ compressionType: 'brotli' }, "'compressionType': must be one of 'none', 'gzip', 'snappy', 'lz4', 'zstd' (the batch compression codec), got 'brotli'"],
      [{ 'compression.type': 'GZIP' }, "'compression.type': must be one of 'none', 'gzip', 'snappy', 'lz4', 'zstd'"],
      [{ compressionType: 2 }, "'compressionType': must be one of"],
      [{ compressionGzipLevel: 0 }, "'compressionGzipLevel': must be an integer from 1 (fastest) to 9 (smallest), or -1 for zlib's default, got 0"],
      [{ compressionGzipLevel: 10 }, "'compressionGzipLevel': must be an integer from 1"],
      [{ compressionGzipLevel: -2 }, "'compressionGzipLevel': must be an integer from 1"],
      [{ 'compression.gzip.level': 'fast' }, "'compression.gzip.level': must be an integer from 1"],
      [{ compressionLz4Level: 0 }, "'compressionLz4Level': must be an integer from 1 to 17 (lz4 level), got 0"],
      [{ compressionLz4Level: 18 }, "'compressionLz4Level': must be an integer from 1 to 17"],
      [{ compressionZstdLevel: 23 }, "'compressionZstdLevel': must be an integer from -131072 to 22 (zstd level), got 23"],
      [{ compressionZstdLevel: -131073 }, "'compressionZstdLevel': must be an integer from -131072 to 22"],
      [{ compressionZstdLevel: 1.5 }, "'compressionZstdLevel': must be an integer from -131072 to 22"],
    ])('rejects %j', (option, message) => {
      expect(configError({ brokers, ...option }).message).toContain(`invalid producer option ${message}`);
    });

    it('accepts the bounds of each level range', () => {
      for (const option of [
        { compressionGzipLevel: -1 }, { compressionGzipLevel: 1 }, { compressionGzipLevel: 9 },
        { compressionLz4Level: 1 }, { compressionLz4Level: 17 },
        { compressionZstdLevel: -131072 }, { compressionZstdLevel: 0 }, { compressionZstdLevel: 22 },
      ]) {
        expect(() => resolveConfig({ brokers, ...option })).not.toThrow();
      }
    });

    it("points 'compression' to compressionType", () => {
      expect(configError({ brokers, compression: 'gzip' }).message).toBe(
        "invalid producer option 'compression': is not a producer option; did you mean 'compressionType'?",
      );
    });

    it('warns that an lz4 level other than 9 compresses as 9 does', async () => {
      const { logger, lines } = captureLogs('info');
      resolveConfig({ brokers, logger, compressionType: 'lz4', 'compression.lz4.level': '12' });
      resolveConfig({ brokers, logger, compressionType: 'lz4' });
      resolveConfig({ brokers, logger, compressionType: 'gzip', compressionLz4Level: 3 });
      await tick();
      const warnings = lines.filter((l) => l.level === 40).map((l) => l.msg);
      expect(warnings).toEqual([
        "compression.lz4.level=12: rxkafka's lz4 has LZ4's fast mode only (Java's level 9); batches compress as at level 9",
      ]);
    });
  });

  describe('transactions (Java rules: a transactional id needs idempotence)', () => {
    it('a transactional id keeps idempotence on, and an empty one is none', () => {
      const c = resolveConfig({ brokers, transactionalId: 'tx-1' });
      expect([c.transactionalId, c.idempotence, c.transactionTimeoutMs]).toEqual(['tx-1', true, 60000]);
      expect(resolveConfig({ brokers, 'transactional.id': '' }).transactionalId).toBeNull();
    });

    it('refuses idempotence: false', () => {
      const err = configError({ brokers, transactionalId: 'tx-1', idempotence: false });
      expect(err.option).toBe('transactionalId');
      expect(err.message).toMatch(/needs the idempotent producer, but idempotence is false/);
    });

    it('refuses acks other than all, retries 0 and maxInFlight > 5 even when idempotence is left unset', () => {
      const acks = configError({ brokers, transactionalId: 'tx-1', acks: 1 });
      expect(acks.option).toBe('acks');
      expect(acks.message).toMatch(/transactional producer needs acks 'all'.*or remove transactionalId/);
      expect(configError({ brokers, 'transactional.id': 'tx-1', retries: 0 }).message).toMatch(/or remove transactional\.id/);
      expect(configError({ brokers, transactionalId: 'tx-1', maxInFlight: 6 }).option).toBe('maxInFlight');
    });
  });

  describe('cross-option rules', () => {
    it('batchSize may not exceed maxRequestSize', () => {
      const err = configError({ brokers, batchSize: 2_000_000 });
      expect(err.option).toBe('batchSize');
      expect(err.message).toMatch(/2000000 bytes is more than maxRequestSize=1048576: .*lower batchSize or raise maxRequestSize/);
    });

    it('batchSize left at its default is lowered to fit maxRequestSize or bufferMemory, not refused', () => {
      expect(resolveConfig({ brokers, bufferMemory: 65536 }).batchSize).toBe(65536);
      expect(resolveConfig({ brokers, maxRequestSize: 100000 }).batchSize).toBe(100000);
      expect(resolveConfig({ brokers }).batchSize).toBe(262144);
    });

    it('batchSize may not exceed bufferMemory', () => {
      const err = configError({ brokers, batchSize: 65536, bufferMemory: 32768, maxRequestSize: 65536 });
      expect(err.option).toBe('batchSize');
      expect(err.message).toMatch(/65536 bytes is more than bufferMemory=32768/);
    });

    it('rejects an explicit deliveryTimeoutMs < lingerMs + requestTimeoutMs (Java)', () => {
      const err = configError({ brokers, deliveryTimeoutMs: 10000, lingerMs: 100, requestTimeoutMs: 20000 });
      expect(err.option).toBe('deliveryTimeoutMs');
      expect(err.message).toMatch(/10000 ms is less than lingerMs \+ requestTimeoutMs = 20100 ms: .*raise deliveryTimeoutMs to at least 20100/);
      expect(resolveConfig({ brokers, deliveryTimeoutMs: 20100, lingerMs: 100, requestTimeoutMs: 20000 }).deliveryTimeoutMs).toBe(20100);
    });

    it('raises the default deliveryTimeoutMs to lingerMs + requestTimeoutMs, with a warning (Java)', async () => {
      const { logger, lines } = captureLogs('info');
      const c = resolveConfig({ brokers, requestTimeoutMs: 150000, lingerMs: 10, logger });
      expect(c.deliveryTimeoutMs).toBe(150010);
      await tick();
      expect(lines.some((l) => l.level === 40 && /setting it to 150010/.test(l.msg))).toBe(true);
    });

    it('uses the initial backoff when a maximum is below it (Java)', () => {
      const c = resolveConfig({ brokers, retryBackoffMs: 500, reconnectBackoffMs: 2000 });
      expect(c.retryBackoffMaxMs).toBe(1000);
      expect(c.reconnectBackoffMaxMs).toBe(2000);
    });
  });

  describe('idempotence (Java ProducerConfig rules)', () => {
    it.each([
      [{ acks: 1 }, 'acks', /is 1, but the idempotent producer needs acks 'all'.*set acks: 'all', or idempotence: false/],
      [{ acks: 0 }, 'acks', /is 0, but the idempotent producer needs acks 'all'/],
      [{ retries: 0 }, 'retries', /is 0, but the idempotent producer needs retries: raise retries, or set idempotence: false/],
      [{ maxInFlight: 6 }, 'maxInFlight', /is 6, but the idempotent producer keeps order with at most 5 requests in flight.*set maxInFlight to 5 or less, or idempotence: false/],
    ])('explicit idempotence: true with %p is an error naming %s', (conflict, option, message) => {
      const err = configError({ brokers, idempotence: true, ...conflict });
      expect(err.option).toBe(option);
      expect(err.message).toMatch(message);
    });

    it('names the options as given in Java style', () => {
      const err = configError({ brokers, 'enable.idempotence': true, acks: '1' });
      expect(err.message).toMatch(/set acks: 'all', or enable.idempotence: false/);
      expect(configError({ brokers, 'max.in.flight.requests.per.connection': 10 }).option).toBe('max.in.flight.requests.per.connection');
    });

    it.each([[{ acks: 1 }, /acks is 1, not 'all'/], [{ acks: '0' }, /acks is 0, not 'all'/], [{ retries: 0 }, /retries is 0/]])(
      'idempotence left unset with %p: silently off, logged at info',
      async (conflict, logged) => {
        const { logger, lines } = captureLogs('info');
        const c = resolveConfig({ brokers, logger, ...conflict });
        expect(c.idempotence).toBe(false);
        await tick();
        expect(lines.filter((l) => l.level === 30).map((l) => l.msg)).toEqual([expect.stringMatching(logged)]);
      },
    );

    it('maxInFlight > 5 with idempotence left on is an error, as in Kafka 4.x (3.x disabled it)', () => {
      const err = configError({ brokers, maxInFlight: 10 });
      expect(err.option).toBe('maxInFlight');
      expect(resolveConfig({ brokers, maxInFlight: 10, idempotence: false }).maxInFlight).toBe(10);
      // Even when acks already turns idempotence off, Java checks maxInFlight in the same pass.
      expect(configError({ brokers, maxInFlight: 10, acks: 1 }).option).toBe('maxInFlight');
    });

    it('keeps idempotence on for its own defaults and for explicit idempotence with compatible options', () => {
      expect(resolveConfig({ brokers }).idempotence).toBe(true);
      expect(resolveConfig({ brokers, idempotence: true, acks: 'all', maxInFlight: 5, retries: 1 }).idempotence).toBe(true);
    });

    it('explicit idempotence: false allows any acks, retries and maxInFlight', () => {
      const c = resolveConfig({ brokers, idempotence: false, acks: 0, retries: 0, maxInFlight: 50 });
      expect(c).toMatchObject({ idempotence: false, acks: 0, retries: 0, maxInFlight: 50 });
    });
  });
});
