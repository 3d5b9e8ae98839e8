/**
 * A first-in first-out queue: an array with a moving head index, so push and shift are O(1)
 * amortised (no `Array.shift`), and memory stays proportional to the live size — the dead prefix
 * is dropped once it dominates, so a queue under sustained pressure (never empty) still shrinks.
 *
 * Every bounded stage queues through this one class: in-flight requests, SASL-held requests,
 * records waiting for memory, batches waiting for compression, records waiting for metadata.
 *
 * @example
 * const q = new Fifo<number>();
 * q.push(1); q.push(2);
 * q.peek(); // 1
 * q.shift(); // 1, and q.size is 1
 */
export class Fifo<T> {
  /** Entries; the live ones are [head, items.length), the dead prefix holds `undefined`. */
  private items: T[] = [];
  /** Index of the oldest live entry. */
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest entry, left in place. */
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** The entry `index` places after the oldest (0 = `peek()`), left in place. */
  at(index: number): T | undefined {
    const i = this.head + index;
    return index >= 0 && i < this.items.length ? this.items[i] : undefined;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    (this.items as Array<T | undefined>)[this.head] = undefined;
    this.head++;
    this.compact();
    return item;
  }

  /** Removes the `count` oldest entries (at most `size`) and returns them, oldest first. */
  take(count: number): T[] {
    const end = Math.min(this.items.length, this.head + Math.max(0, count));
    const taken = this.items.slice(this.head, end);
    for (let i = this.head; i < end; i++) (this.items as Array<T | undefined>)[i] = undefined;
    this.head = end;
    this.compact();
    return taken;
  }

  /** Removes and returns every entry, oldest first. */
  clear(): T[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return all;
  }

  /** The live entries, oldest first (the queue must not change meanwhile). */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i];
  }

  /** Drops the dead prefix once it dominates: memory stays proportional to the live size. */
  private compact(): void {
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
