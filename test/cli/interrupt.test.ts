import { exitCodeOf, Interrupt, untilStopped } from '../../src/cli/interrupt';

describe('untilStopped', () => {
  it('ends at once when stopped, even while a read is pending (the source is released after it)', async () => {
    let released = false;
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    async function* source(): AsyncGenerator<number> {
      try {
        yield 1;
        yield 2;
        await new Promise(() => undefined); // a pipe that neither writes nor closes
      } finally {
        released = true;
      }
    }
    const seen: number[] = [];
    const it = untilStopped(source(), stopped)[Symbol.asyncIterator]();
    seen.push((await it.next()).value as number, (await it.next()).value as number);
    const pending = it.next();
    stop();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(seen).toEqual([1, 2]);
    // The generator is suspended in its endless await: return() is queued behind it, as it should be.
    expect(released).toBe(false);
  });

  it('passes a source that ends by itself through whole', async () => {
    async function* source(): AsyncGenerator<string> {
      yield* ['a', 'b', 'c'];
    }
    const out: string[] = [];
    for await (const x of untilStopped(source(), new Promise(() => undefined))) out.push(x);
    expect(out).toEqual(['a', 'b', 'c']);
  });
});

describe('Interrupt', () => {
  it('the first signal resolves requested; the second calls onForced with its own signal; exit codes 130 and 143', async () => {
    const forced: string[] = [];
    const interrupt = new Interrupt((s) => forced.push(s));
    try {
      process.emit('SIGTERM');
      expect(await interrupt.requested).toBe('SIGTERM');
      expect(interrupt.signal).toBe('SIGTERM');
      expect(forced).toEqual([]);
      process.emit('SIGINT');
      expect(forced).toEqual(['SIGINT']);
    } finally {
      interrupt.dispose();
    }
    expect(process.listenerCount('SIGINT')).toBe(0);
    expect([exitCodeOf('SIGINT'), exitCodeOf('SIGTERM')]).toEqual([130, 143]);
  });
});
