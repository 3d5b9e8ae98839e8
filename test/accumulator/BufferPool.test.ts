import { BufferPool } from '../../src/accumulator/BufferPool';

describe('BufferPool', () => {
  it('hands out batchSize buffers while memory lasts, reuses returned ones, and reports availability', () => {
    const seen: number[] = [];
    const pool = new BufferPool(300, 100, (b) => seen.push(b));
    const a = pool.allocate(100)!;
    const b = pool.allocate(100)!;
    pool.allocate(100);
    expect(pool.allocate(100)).toBeNull();
    pool.deallocate(a);
    expect(pool.allocate(100)).toBe(a); // the same memory, no new allocation
    pool.deallocate(b);
    expect(seen).toEqual([200, 100, 0, 100, 0, 100]);
  });

  it('frees pooled buffers to fit a larger batch, and refuses what can never fit', () => {
    const pool = new BufferPool(300, 100);
    const bufs = [pool.allocate(100)!, pool.allocate(100)!];
    bufs.forEach((x) => pool.deallocate(x));
    const big = pool.allocate(250);
    expect(big?.length).toBe(250);
    expect(pool.available).toBe(50);
    expect(pool.allocate(301)).toBeNull();
  });

  it('wakes waiters once when memory returns', () => {
    const pool = new BufferPool(100, 100);
    const buf = pool.allocate(100)!;
    let woken = 0;
    pool.onAvailable(() => woken++);
    const cancel = pool.onAvailable(() => woken += 10);
    cancel();
    pool.deallocate(buf);
    pool.deallocate(pool.allocate(100)!);
    expect(woken).toBe(1);
  });
});
