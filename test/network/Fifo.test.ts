import { Fifo } from '../../src/network/Fifo';

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
});
