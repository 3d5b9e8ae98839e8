/**
 * Marble tests (RxJS's TestScheduler) for the producer's stages.
 *
 * `testScheduler.run` flushes virtual time in one synchronous pass. That suits the stages that
 * only use the scheduler (accumulate's linger, serialize with sync serializers). The stages that
 * wait on Promises — an async serializer, metadata, a broker's answer, the sender woken by a
 * microtask — would see every Promise settle only after the pass has ended. `runAsync` gives the
 * same helpers as `run` (marbles in run mode: 1 frame = 1 ms, whitespace ignored, `10ms` time
 * progressions) but flushes one frame at a time, letting Promises and microtasks settle between
 * frames, as real time would; what they emit is recorded at the frame whose work started them.
 */
import { VirtualTimeScheduler } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { tick } from './virtualTime';

/** A TestScheduler whose marble assertions are jest's toEqual (asymmetric matchers allowed). */
export function marbleScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

export type MarbleHelpers = Pick<Parameters<Parameters<TestScheduler['run']>[0]>[0], 'cold' | 'hot' | 'time' | 'expectObservable' | 'expectSubscriptions'>;

/** TestScheduler's private switch for run-mode marble syntax (set by `run`, which cannot wait). */
interface RunModeSwitch {
  runMode: boolean;
}

/**
 * As `scheduler.run(callback)`, but virtual time advances frame by frame and Promises settle in
 * between. Resolves once no timer is left (or `untilMs` is reached) and the expectations hold.
 */
export async function runAsync(scheduler: TestScheduler, callback: (helpers: MarbleHelpers) => void, untilMs = Infinity): Promise<void> {
  const previousFactor = TestScheduler.frameTimeFactor;
  const previousMaxFrames = scheduler.maxFrames;
  TestScheduler.frameTimeFactor = 1;
  (scheduler as unknown as RunModeSwitch).runMode = true;
  try {
    callback({
      cold: scheduler.createColdObservable.bind(scheduler),
      hot: scheduler.createHotObservable.bind(scheduler),
      time: scheduler.createTime.bind(scheduler),
      expectObservable: scheduler.expectObservable.bind(scheduler),
      expectSubscriptions: scheduler.expectSubscriptions.bind(scheduler),
    });
    // Each pass runs the work due at the earliest pending frame (and work it schedules for that
    // same frame), then lets what it started settle before time moves on. The passes are
    // VirtualTimeScheduler's flush: TestScheduler's would check the expectations after the first.
    while (scheduler.hotObservables.length > 0) scheduler.hotObservables.shift()!.setup();
    const pass = (maxFrames: number): void => {
      scheduler.maxFrames = maxFrames;
      VirtualTimeScheduler.prototype.flush.call(scheduler);
    };
    pass(0);
    await settle();
    while (scheduler.actions.length > 0 && scheduler.actions[0].delay <= untilMs) {
      pass(scheduler.actions[0].delay);
      await settle();
    }
    // Now that everything has run, TestScheduler's flush checks the expectations.
    scheduler.maxFrames = scheduler.frame;
    scheduler.flush();
  } finally {
    TestScheduler.frameTimeFactor = previousFactor;
    scheduler.maxFrames = previousMaxFrames;
    (scheduler as unknown as RunModeSwitch).runMode = false;
  }
}

/** Promise chains can be several turns deep (serializer → stage → backlog → sender): a few turns. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await tick();
}
