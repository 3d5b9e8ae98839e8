import { createProducer } from '../../operators';
import { CodecUnavailableError, ConfigError } from '../../src/errors';

const CODEC_PACKAGES = ['lz4-napi', 'snappy', '@bokuweb/zstd-wasm'];

/**
 * Runs `steps` on a fresh module registry in which requiring a codec package records its name:
 * `loaded` says which packages rxkafka has required so far.
 */
function withLoadRecorded(steps: (rxkafka: typeof import('../../operators'), loaded: string[]) => void): void {
  const loaded: string[] = [];
  jest.isolateModules(() => {
    for (const pkg of CODEC_PACKAGES) {
      jest.doMock(pkg, () => {
        loaded.push(pkg);
        return jest.requireActual(pkg);
      });
    }
    steps(require('../../operators') as typeof import('../../operators'), loaded);
  });
}

describe('codecs load when a producer uses them', () => {
  afterEach(() => jest.resetModules());

  it('requiring rxkafka loads no codec package; a producer loads its codec only, at its creation', async () => {
    const producers: Array<{ close(): Promise<void> }> = [];
    withLoadRecorded((rxkafka, loaded) => {
      expect(loaded).toEqual([]);
      const create = (compressionType: 'none' | 'gzip' | 'lz4' | 'snappy' | 'zstd') =>
        producers.push(rxkafka.createProducer({ brokers: 'localhost:9092', topic: 't', compressionType }));
      create('none');
      create('gzip');
      expect(loaded).toEqual([]);
      create('lz4');
      expect(loaded).toEqual(['lz4-napi']);
      create('zstd');
      expect(loaded).toEqual(['lz4-napi', '@bokuweb/zstd-wasm']);
      create('snappy');
      expect(loaded).toEqual(['lz4-napi', '@bokuweb/zstd-wasm', 'snappy']);
    });
    await Promise.all(producers.map((p) => p.close()));
  });

  it('an unknown codec name is still refused at creation', () => {
    expect(() => createProducer({ brokers: 'localhost:9092', topic: 't', compressionType: 'brotli' as never })).toThrow(ConfigError);
  });
});

describe('a codec package that does not load', () => {
  afterEach(() => jest.resetModules());

  it.each([
    ['lz4', 'lz4-napi'],
    ['snappy', 'snappy'],
    ['zstd', '@bokuweb/zstd-wasm'],
  ])('%s: createProducer throws a CodecUnavailableError naming the codec and its package', (codec, pkg) => {
    jest.isolateModules(() => {
      jest.doMock(pkg, () => {
        throw new Error(`${pkg}.linux-x64-gnu.node: cannot open shared object file`);
      });
      // Required inside isolateModules: the producer, its config and errors from the mocked registry.
      const { createProducer: create } = require('../../operators') as typeof import('../../operators');
      const errors = require('../../src/errors') as typeof import('../../src/errors');
      let thrown: unknown;
      try {
        create({ brokers: 'localhost:9092', topic: 't', compressionType: codec as 'lz4' });
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(errors.CodecUnavailableError);
      expect(thrown).toBeInstanceOf(errors.ConfigError);
      expect((thrown as CodecUnavailableError).codec).toBe(codec);
      expect((thrown as Error).message).toBe(
        `invalid producer option 'compressionType': '${codec}' compresses through the package ${pkg}, which did not load ` +
          `(${pkg}.linux-x64-gnu.node: cannot open shared object file): reinstall the dependencies on this platform (npm ci) or choose another compressionType`,
      );
    });
  });
});
