import { Writable } from 'node:stream';
import pino from 'pino';

/** One line a captured logger wrote, parsed: pino's numeric level, the message, and the bound fields. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/**
 * A pino logger at `level` (trace by default: nothing filtered) whose output a test reads, both as
 * parsed lines (which component logged what) and as raw text (e.g. to prove a secret is never logged).
 */
export function captureLogs(level: pino.LevelWithSilent = 'trace'): { logger: pino.Logger; lines: LogLine[]; text: () => string } {
  const chunks: string[] = [];
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      const text = chunk.toString();
      chunks.push(text);
      lines.push(JSON.parse(text));
      done();
    },
  });
  return { logger: pino({ level }, stream), lines, text: () => chunks.join('') };
}
