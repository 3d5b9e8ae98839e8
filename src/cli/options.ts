import { parseArgs, ParseArgsConfig } from 'node:util';
import { ConfigError, messageOf } from '../errors';

/** A command line that cannot be understood: exit code 2 and the usage text, before anything connects. */
export class CliUsageError extends Error {}

/** Parsed options: strings, booleans (flags) or string lists (`multiple`). */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** parseArgs with errors turned into CliUsageError. */
export function parse(args: string[], options: ParseArgsConfig['options'], allowPositionals = false): ParsedArgs {
  try {
    return parseArgs({ args: joinNegativeValues(args, options), options, allowPositionals, strict: true }) as ParsedArgs;
  } catch (err) {
    throw new CliUsageError(messageOf(err));
  }
}

/**
 * `--linger-ms -1` is a (wrong) value, not a flag; parseArgs calls it ambiguous and suggests
 * `--linger-ms=-1`, which hides the real problem. Joining a negative number to its option lets
 * the option's own check say what is wrong with the value.
 */
function joinNegativeValues(args: string[], options: ParseArgsConfig['options']): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = args[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : null;
    if (name !== null && options?.[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

/** A non-negative integer option, or undefined when absent. */
export function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliUsageError(`--${name} must be a non-negative integer, got '${value}'`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new CliUsageError(`--${name} is too large: '${value}'`);
  return n;
}

/** Producer option (camelCase) → the CLI flag that sets it: messages must speak the user's language. */
export const FLAG_OF_OPTION: Readonly<Record<string, string>> = {
  brokers: '--brokers',
  topic: '--topic',
  acks: '--acks',
  idempotence: '--no-idempotence',
  lingerMs: '--linger-ms',
  sendWhenIdle: '--no-send-when-idle',
  batchSize: '--batch-size',
  maxInFlight: '--max-in-flight',
  requestTimeoutMs: '--request-timeout-ms',
  deliveryTimeoutMs: '--delivery-timeout-ms',
  maxBlockMs: '--max-block-ms',
  maxRequestSize: '--max-request-size',
};

/**
 * Rewrites the library's option names in `message` as CLI flags (`lingerMs` → `--linger-ms`,
 * `idempotence: false` → `--no-idempotence`), so advice such as "raise maxBlockMs" is advice
 * the CLI user can follow.
 */
export function inCliTerms(message: string, flagOf: Readonly<Record<string, string>> = FLAG_OF_OPTION): string {
  let out = message.replace(/\bidempotence: false\b/g, '--no-idempotence');
  for (const [option, flag] of Object.entries(flagOf)) {
    // Only the camelCase names: plain words such as 'acks' or 'topic' also occur as prose.
    if (!/[A-Z]/.test(option)) continue;
    out = out.replace(new RegExp(`\\b${option}\\b`, 'g'), flag);
  }
  return out;
}

/**
 * A producer ConfigError as a usage error naming the flag: a bad option value is a bad command
 * line (exit 2), found before anything connects. `flagOf` is the command's option → flag map
 * (a command with more flags than `produce` passes its own).
 */
export function usageErrorFromConfig(err: ConfigError, flagOf: Readonly<Record<string, string>> = FLAG_OF_OPTION): CliUsageError {
  const prefix = `invalid producer option '${err.option}': `;
  const detail = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  const flag = flagOf[err.option] ?? err.option;
  return new CliUsageError(`${flag}: ${inCliTerms(detail, flagOf)}`);
}
