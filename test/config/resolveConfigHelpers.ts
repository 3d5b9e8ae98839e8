import { ConfigError } from '../../src/errors';
import { resolveConfig } from '../../src/config/config';

/** A bootstrap address that is never dialled: resolving a config connects nowhere. */
export const brokers = 'localhost:9092';

/** The ConfigError thrown by resolveConfig(config). */
export function configError(config: Record<string, unknown>): ConfigError {
  try {
    resolveConfig(config);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('resolveConfig did not throw');
}
