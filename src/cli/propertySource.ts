import { CliUsageError } from './options';

/**
 * A producer property as the user gave it — a line of the `--producer.config` file or a `-X`
 * argument — with where it came from, so that every message points at the line to fix.
 */
export interface PropertySource {
  readonly name: string;
  readonly value: string;
  /** `client.properties:7` for a file's line, `-X` for the command line. */
  readonly origin: string;
}

/** `client.properties:7: linger.ms` or `-X linger.ms`: the property, where the user can find it. */
export function propertyLabel(p: PropertySource): string {
  return p.origin === '-X' ? `-X ${p.name}` : `${p.origin}: ${p.name}`;
}

/** A usage error (exit 2, before anything connects) about property `p`. */
export function propertyError(p: PropertySource, detail: string): CliUsageError {
  return new CliUsageError(`${propertyLabel(p)}: ${detail}`);
}
