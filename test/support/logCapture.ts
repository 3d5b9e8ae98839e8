import { Writable } from 'node:stream';
import pino from 'pino';

/** A pino logger (trace level by default) whose raw output a test reads, e.g. to prove a secret is never logged. */
export function captureLogs(level: pino.LevelWithSilent = 'trace'): { logger: pino.Logger; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level }, stream), text: () => chunks.join('') };
}
