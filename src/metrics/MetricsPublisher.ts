import { Observable, SchedulerLike, Subject, Subscription } from 'rxjs';
import type { MetricsGauges, ProducerMetricsSnapshot } from './MetricsSnapshot';
import { MetricsWindow } from './MetricsWindow';
import type { ProducerMetrics } from './ProducerMetrics';
import { unrefPeriodic } from './unrefPeriodic';

/**
 * The producer's `metrics$` and `metrics()`: one timer for every `metrics$` subscriber, running
 * only while there is one and never keeping the process alive; each tick rolls the window and
 * emits what it covered. `close()` emits a last window to whoever watches, then completes.
 */
export class MetricsPublisher {
  readonly metrics$: Observable<ProducerMetricsSnapshot>;
  private readonly window: MetricsWindow;
  private readonly subject = new Subject<ProducerMetricsSnapshot>();
  /** metrics$ subscribers now; invariant: the timer runs iff > 0 and not closed. */
  private watchers = 0;
  private timer: Subscription | null = null;
  private closed = false;

  constructor(
    counters: ProducerMetrics,
    gauges: MetricsGauges,
    private readonly intervalMs: number,
    private readonly scheduler: SchedulerLike,
  ) {
    this.window = new MetricsWindow(counters, gauges, intervalMs, scheduler.now());
    this.metrics$ = new Observable<ProducerMetricsSnapshot>((subscriber) => {
      if (this.closed) {
        subscriber.complete();
        return undefined;
      }
      const subscription = this.subject.subscribe(subscriber);
      if (this.watchers++ === 0) {
        // The first emission covers one whole interval, not the time since the last roll.
        this.window.roll(scheduler.now());
        this.timer = unrefPeriodic(scheduler, this.intervalMs, this.emit);
      }
      return () => {
        subscription.unsubscribe();
        if (--this.watchers === 0) this.stopTimer();
      };
    });
  }

  /** The last complete window and the current one (see MetricsWindow.peek). */
  snapshot(): ProducerMetricsSnapshot {
    return this.window.peek(this.scheduler.now());
  }

  /** The last window, up to now, for whoever watches (e.g. a final report); then metrics$ completes. */
  close(): void {
    if (this.closed) return;
    if (this.watchers > 0) this.emit();
    this.closed = true;
    this.stopTimer();
    this.subject.complete();
  }

  private readonly emit = (): void => {
    this.subject.next(this.window.roll(this.scheduler.now()));
  };

  private stopTimer(): void {
    this.timer?.unsubscribe();
    this.timer = null;
  }
}
