import { pullSource, PullGate } from '../../src/pipeline/pullSource';
import { tick } from '../support/virtualTime';

/** A gate the test opens and closes. */
function gate(initiallyOpen: boolean) {
  let open = initiallyOpen;
  let waiters: Array<() => void> = [];
  const g: PullGate & { set(v: boolean): void } = {
    hasRoom: () => open,
    whenRoom: () => (open ? Promise.resolve() : new Promise((r) => waiters.push(r))),
    set(v: boolean) {
      open = v;
      if (v) {
        const w = waiters;
        waiters = [];
        w.forEach((f) => f());
      }
    },
  };
  return g;
}

describe('pullSource', () => {
  it('pulls a sync iterable only while the gate is open', async () => {
    const g = gate(true);
    let pulled = 0;
    function* source() {
      for (let i = 0; i < 10; i++) {
        pulled++;
        yield i;
      }
    }
    const seen: number[] = [];
    let completed = false;
    pullSource(source(), g).subscribe({
      next: (v) => {
        seen.push(v);
        if (v === 2) g.set(false); // the pipeline filled up after the third record
      },
      complete: () => (completed = true),
    });
    await tick();
    expect(seen).toEqual([0, 1, 2]);
    expect(pulled).toBe(3);
    g.set(true);
    await tick();
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(completed).toBe(true);
  });

  it('pulls an async iterable one record at a time and stops reading when unsubscribed', async () => {
    const g = gate(true);
    let pulled = 0;
    let finalized = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      } finally {
        finalized = true;
      }
    }
    const seen: number[] = [];
    const sub = pullSource(source(), g).subscribe((v) => {
      seen.push(v);
      if (v === 4) g.set(false);
    });
    for (let i = 0; i < 10; i++) await tick();
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(pulled).toBe(5);
    sub.unsubscribe();
    g.set(true);
    for (let i = 0; i < 5; i++) await tick();
    expect(seen).toHaveLength(5);
    expect(finalized).toBe(true);
  });

  it("passes the source's error on", async () => {
    async function* source() {
      yield 1;
      throw new Error('source broke');
    }
    const err = await new Promise((resolve) => pullSource(source(), gate(true)).subscribe({ error: resolve }));
    expect((err as Error).message).toBe('source broke');
  });
});
