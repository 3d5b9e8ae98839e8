import { InFlightRequests } from '../../src/network/InFlightRequests';

describe('InFlightRequests', () => {
  test('is first in, first out', () => {
    const q = new InFlightRequests<number>();
    q.push(1);
    q.push(2);
    expect(q.peek()).toBe(1);
    expect(q.shift()).toBe(1);
    q.push(3);
    expect([q.shift(), q.shift(), q.shift()]).toEqual([2, 3, undefined]);
    expect(q.size).toBe(0);
  });

  test('keeps order across compactions under a steady load', () => {
    const q = new InFlightRequests<number>();
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
