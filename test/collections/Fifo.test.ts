import { Fifo } from '../../src/collections/Fifo';

describe('Fifo', () => {
  test('is first in, first out', () => {
    const q = new Fifo<number>();
    q.push(1);
    q.push(2);
    expect(q.peek()).toBe(1);
    expect(q.shift()).toBe(1);
    q.push(3);
    expect([q.shift(), q.shift(), q.shift()]).toEqual([2, 3, undefined]);
    expect(q.size).toBe(0);
    expect(q.peek()).toBeUndefined();
  });

  test('keeps order across compactions under a steady load', () => {
    const q = new Fifo<number>();
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 10000; round++) {
      q.push(next++);
      q.push(next++);
      expect(q.shift()).toBe(expected++);
    }
    expect(q.size).toBe(10000);
    const rest = q.clear();
    expect(rest[0]).toBe(expected);
    expect(rest[rest.length - 1]).toBe(next - 1);
    expect(q.size).toBe(0);
  });

  test('shrinks while it never empties: the dead prefix is dropped', () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 5000; i++) q.push(i);
    for (let round = 0; round < 100000; round++) {
      q.push(5000 + round);
      q.shift();
    }
    // The backing array holds the live entries plus at most as many dead ones.
    const items = (q as unknown as { items: unknown[] }).items;
    expect(q.size).toBe(5000);
    expect(items.length).toBeLessThanOrEqual(2 * 5000 + 1);
    expect(q.peek()).toBe(100000);
  });

  test('at(i) reads the i-th oldest without removing it', () => {
    const q = new Fifo<string>();
    q.push('a');
    q.push('b');
    q.push('c');
    q.shift();
    expect([q.at(0), q.at(1), q.at(2), q.at(-1)]).toEqual(['b', 'c', undefined, undefined]);
    expect(q.size).toBe(2);
  });

  test('take(n) removes the n oldest, oldest first, and no more than there are', () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 5; i++) q.push(i);
    expect(q.take(2)).toEqual([0, 1]);
    expect(q.take(0)).toEqual([]);
    expect(q.take(10)).toEqual([2, 3, 4]);
    expect(q.size).toBe(0);
    q.push(7);
    expect(q.shift()).toBe(7);
  });

  test('iterates the live entries, oldest first', () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 4; i++) q.push(i);
    q.shift();
    expect([...q]).toEqual([1, 2, 3]);
  });
});
