import { CliUsageError } from '../../src/cli/options';

/** The message of the CliUsageError `fn` throws (the test fails if it throws nothing, or something else). */
export function usageErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CliUsageError);
    return (err as Error).message;
  }
  throw new Error('expected a CliUsageError');
}
