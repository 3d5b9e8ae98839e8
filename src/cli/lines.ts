/**
 * Splits a byte stream into lines, pulled: the next chunk is read only when the consumer asks for
 * the next line, so a large file or a fast pipe is never read ahead of the producer's buffer.
 * A line is the bytes up to (not including) '\n'; a last line without '\n' counts too.
 */
export async function* readLines(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  // Bytes of an incomplete line carried over from earlier chunks.
  let carry: Buffer | null = null;
  for await (const chunk of input) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (carry !== null) {
      buf = Buffer.concat([carry, buf]);
      carry = null;
    }
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      // Copy: the chunk's memory is reused by some streams, and the record outlives this loop.
      yield Buffer.from(buf.subarray(start, nl));
      start = nl + 1;
    }
    if (start < buf.length) carry = buf.subarray(start);
  }
  if (carry !== null && carry.length > 0) yield Buffer.from(carry);
}
