import { parseArgs, ParseArgsConfig } from 'node:util';

/** A command line that cannot be understood: exit code 2 and the usage text. */
export class CliUsageError extends Error {}

/** Parsed options: strings, booleans (flags) or string lists (`multiple`). */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** parseArgs with errors turned into CliUsageError. */
export function parse(args: string[], options: ParseArgsConfig['options'], allowPositionals = false): ParsedArgs {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true }) as ParsedArgs;
  } catch (err) {
    throw new CliUsageError(err instanceof Error ? err.message : String(err));
  }
}

/** A non-negative integer option, or undefined when absent. */
export function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliUsageError(`--${name} must be a non-negative integer, got '${value}'`);
  return Number(value);
}
