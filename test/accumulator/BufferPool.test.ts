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
  it('hands out size classes, powers of two from the smallest up to batchSize; larger requests get their exact size', () => {
    const pool = new BufferPool(10_000, 300, undefined, 64);
    expect(pool.sizeClasses).toEqual([64, 128, 256, 300]);
    expect([1, 64, 65, 200, 257, 300, 301].map((n) => pool.sizeFor(n))).toEqual([64, 64, 128, 256, 300, 300, 301]);
    expect(pool.allocate(65)!.length).toBe(128);
    expect(pool.available).toBe(10_000 - 128);
    // batchSize at or below the smallest class: one class, batchSize (Java's pool).
    expect(new BufferPool(1000, 100).sizeClasses).toEqual([100]);
    expect(new BufferPool(1000, 0).sizeClasses).toEqual([]);
  });

  it('counts the bytes held: a batch that grows returns its smaller buffer to that class, reused without allocating', () => {
    const seen: number[] = [];
    const pool = new BufferPool(1000, 512, (b) => seen.push(b), 128);
    const small = pool.allocate(100)!;
    const larger = pool.allocate(2 * small.length)!; // the batch grows…
    pool.deallocate(small); // …and gives back what it left
    expect(pool.available).toBe(1000 - 256);
    expect(seen).toEqual([872, 616, 744]);
    expect(pool.allocate(50)).toBe(small); // the next batch starts in it: no allocation
    pool.deallocate(larger);
    expect(pool.allocate(200)).toBe(larger);
  });

  it('frees pooled buffers of any class, largest first, when a request needs the room (freeUp)', () => {
    const pool = new BufferPool(512, 256, undefined, 64);
    const held = [pool.allocate(64)!, pool.allocate(64)!, pool.allocate(128)!, pool.allocate(256)!];
    expect(pool.allocate(1)).toBeNull();
    held.forEach((b) => pool.deallocate(b));
    expect(pool.available).toBe(512);
    const big = pool.allocate(256)!;
    expect(big).toBe(held[3]); // its own class first
    const another = pool.allocate(200)!; // class 256, none free: 128 + 64 + 64 released for it
    expect(another.length).toBe(256);
    expect(another).not.toBe(big);
    expect(pool.available).toBe(0);
    expect(pool.allocate(64)).toBeNull();
  });

  it('wakes waiters when a batch that grew returns its smaller buffer', () => {
    const pool = new BufferPool(256, 256, undefined, 128);
    const a = pool.allocate(128)!;
    const b = pool.allocate(128)!;
    let woken = 0;
    pool.onAvailable(() => woken++);
    expect(pool.allocate(256)).toBeNull(); // a cannot grow: the memory is taken
    pool.deallocate(b);
    expect(woken).toBe(1);
    expect(pool.allocate(200)).toBeNull(); // 128 free on a list + 0 unallocated < 256 needed
    expect(pool.available).toBe(128);
    pool.deallocate(a);
    expect(pool.allocate(256)!.length).toBe(256); // both 128s released to make the room
    expect(pool.available).toBe(0);
  });
});
