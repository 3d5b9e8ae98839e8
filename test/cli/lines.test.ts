import { readLines } from '../../src/cli/lines';

async function linesOf(chunks: Array<string | Buffer>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readLines((async function* () { yield* chunks; })())) out.push(line.toString('utf8'));
  return out;
}

describe('readLines', () => {
  it('splits on \\n only: a \\r is part of the line, an empty line is a line, an unterminated last line counts', async () => {
    expect(await linesOf(['a\n\nb\r\nlast'])).toEqual(['a', '', 'b\r', 'last']);
  });

  it('gives nothing for a final newline or empty input', async () => {
    expect(await linesOf(['a\n'])).toEqual(['a']);
    expect(await linesOf([])).toEqual([]);
    expect(await linesOf([''])).toEqual([]);
  });

  it('joins lines split across chunks, including a multi-byte character split in the middle', async () => {
    const bytes = Buffer.from('héllo ✓\nnext\n');
    const chunks = Array.from(bytes, (b) => Buffer.from([b]));
    expect(await linesOf(chunks)).toEqual(['héllo ✓', 'next']);
  });

  it('yields copies, not views of a chunk the stream may reuse', async () => {
    const chunk = Buffer.from('ab\ncd\n');
    const got: Buffer[] = [];
    for await (const line of readLines((async function* () { yield chunk; })())) got.push(line);
    chunk.fill(0x7a);
    expect(got.map((b) => b.toString())).toEqual(['ab', 'cd']);
  });
});
