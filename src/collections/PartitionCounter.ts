/**
 * A count per topic-partition, found without building a `topic:partition` key string (the lookup
 * runs once per batch on the producer's hot path): a map by topic of arrays by partition.
 */
export class PartitionCounter {
  private readonly byTopic = new Map<string, number[]>();

  get(topic: string, partition: number): number {
    return this.byTopic.get(topic)?.[partition] ?? 0;
  }

  increment(topic: string, partition: number): void {
    let counts = this.byTopic.get(topic);
    if (counts === undefined) this.byTopic.set(topic, (counts = []));
    counts[partition] = (counts[partition] ?? 0) + 1;
  }

  /** Returns the count left; never below 0 (a decrement without its increment is a caller's bug). */
  decrement(topic: string, partition: number): number {
    const counts = this.byTopic.get(topic);
    const n = counts?.[partition] ?? 0;
    if (n === 0) throw new Error(`PartitionCounter: ${topic}-${partition} decremented below 0`);
    counts![partition] = n - 1;
    return n - 1;
  }
}
