import { Writable } from 'node:stream';
import pino, { type Level } from 'pino';

/** A pino logger at `level` whose lines (parsed JSON) the test reads. */
export function capturingLogger(level: Level = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}
