import type { SchedulerLike } from 'rxjs';
import { after } from '../time/Time';
import type { TopicInfo } from './MetadataCache';

/** A caller of `Cluster.waitForTopic` still waiting. */
interface TopicWaiter {
  readonly topic: string;
  readonly maxWaitMs: number;
  readonly resolve: (info: TopicInfo) => void;
  readonly reject: (error: Error) => void;
  /** Cancels the timer that fires after maxWaitMs; called when the waiter settles otherwise. */
  cancelTimer: (() => void) | null;
}

/**
 * Callers waiting for a topic's metadata, each with its own deadline (Java: the `maxBlockMs`
 * wait in `KafkaProducer.waitOnMetadata`). `Cluster` settles them from metadata responses; a
 * waiter whose deadline passes first is removed and rejected with `timeoutError`.
 */
export class TopicWaiters {
  /** Waiters by topic; an entry is removed when its list empties. */
  private readonly byTopic = new Map<string, TopicWaiter[]>();

  constructor(
    /** Runs the waiters' timers. */
    private readonly scheduler: SchedulerLike,
    /** The error for a waiter whose time is up; called after the waiter was removed. */
    private readonly timeoutError: (topic: string, maxWaitMs: number) => Error,
  ) {}

  has(topic: string): boolean {
    return this.byTopic.has(topic);
  }

  add(topic: string, maxWaitMs: number): Promise<TopicInfo> {
    return new Promise<TopicInfo>((resolve, reject) => {
      const waiter: TopicWaiter = { topic, maxWaitMs, resolve, reject, cancelTimer: null };
      waiter.cancelTimer = after(this.scheduler, maxWaitMs, () => this.expire(waiter));
      let list = this.byTopic.get(topic);
      if (list === undefined) this.byTopic.set(topic, (list = []));
      list.push(waiter);
    });
  }

  resolve(topic: string, info: TopicInfo): void {
    for (const waiter of this.take(topic)) waiter.resolve(info);
  }

  reject(topic: string, error: Error): void {
    for (const waiter of this.take(topic)) waiter.reject(error);
  }

  rejectAll(errorFor: (topic: string) => Error): void {
    for (const topic of [...this.byTopic.keys()]) this.reject(topic, errorFor(topic));
  }

  /** Removes the topic's waiters, their timers cleared. */
  private take(topic: string): TopicWaiter[] {
    const list = this.byTopic.get(topic);
    if (list === undefined) return [];
    this.byTopic.delete(topic);
    for (const waiter of list) {
      waiter.cancelTimer?.();
      waiter.cancelTimer = null;
    }
    return list;
  }

  private expire(waiter: TopicWaiter): void {
    waiter.cancelTimer = null;
    const list = this.byTopic.get(waiter.topic);
    if (list !== undefined) {
      const rest = list.filter((w) => w !== waiter);
      if (rest.length > 0) this.byTopic.set(waiter.topic, rest);
      else this.byTopic.delete(waiter.topic);
    }
    waiter.reject(this.timeoutError(waiter.topic, waiter.maxWaitMs));
  }
}
