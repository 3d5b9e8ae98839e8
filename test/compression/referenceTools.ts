/**
 * The reference command-line tools of each format (Debian's lz4, zstd and gzip, written by the
 * formats' own authors), used as independent decoders and encoders in the codec tests. They are
 * on every machine of this project's kind; a missing one fails the test with a clear message.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Runs `tool args` with `input` on stdin and returns its stdout; throws with its stderr on failure. */
export function runTool(tool: 'lz4' | 'zstd' | 'gzip', args: string[], input: Buffer): Buffer {
  try {
    return execFileSync(tool, args, { input, maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error(`${tool} is not installed (Debian package '${tool}'): the codec tests decode with it`);
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr?.toString() ?? e.message}`);
  }
}

/** Text that compresses the way a topic of JSON events does (ratio ~0.2 with gzip). */
export function jsonLines(bytes: number): Buffer {
  const levels = ['info', 'warn', 'debug', 'error'];
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = JSON.stringify({
      ts: 1_700_000_000_000 + i * 37,
      level: levels[i % 4],
      user: `u${(i * 7919) % 10007}`,
      order: ((i * 2654435761) >>> 0).toString(16),
      msg: `processed request ${i} in ${(i * 13) % 500} ms`,
    }) + '\n';
    parts.push(line);
    size += line.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

/** Bytes no codec can shrink. */
export function incompressible(bytes: number): Buffer {
  return randomBytes(bytes);
}

/**
 * Asserts two byte strings are equal. (Jest's toEqual walks a Buffer element by element, seconds
 * per MiB; this compares natively and names the first difference.)
 */
export function expectSameBytes(actual: Buffer, expected: Buffer): void {
  if (actual.equals(expected)) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  throw new Error(`bytes differ at offset ${i} (lengths ${actual.length} and ${expected.length})`);
}
