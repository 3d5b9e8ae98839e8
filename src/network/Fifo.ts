/**
 * A first-in first-out queue: an array with a moving head index, so push and shift are O(1)
 * amortised (no `Array.shift`), and memory stays proportional to the live size.
 */
export class Fifo<T> {
  /** Entries; the live ones are [head, items.length). */
  private items: T[] = [];
  /** Index of the oldest live entry. */
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    (this.items as Array<T | undefined>)[this.head] = undefined;
    this.head++;
    // Compact once the dead prefix dominates, so memory stays proportional to the live size.
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes and returns every entry, oldest first. */
  clear(): T[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return all;
  }
}
