import { Observable, OperatorFunction } from 'rxjs';

/** A stage that may hold records back (waiting for a serializer, for metadata…). */
export interface HoldingStage<I> {
  push(input: I): void;
  /** Records held now. */
  readonly waitingCount: number;
  /** The stream ended early: forget what is held. */
  dispose(): void;
}

/**
 * A stage as an operator: each input goes to the stage, which emits in its own time; the output
 * completes once the source has and the stage holds nothing (so records it still holds are not
 * cut off), and errors as soon as the source does.
 *
 * @example
 * holdingStage((emit, onEmpty) => new PartitionStage(producer, emit, onEmpty))
 */
export function holdingStage<I, O>(create: (emit: (output: O) => void, onEmpty: () => void) => HoldingStage<I>): OperatorFunction<I, O> {
  return (source) =>
    new Observable<O>((subscriber) => {
      let sourceDone = false;
      const stage = create(
        (output) => subscriber.next(output),
        () => {
          if (sourceDone) subscriber.complete();
        },
      );
      const subscription = source.subscribe({
        next: (input) => stage.push(input),
        error: (err) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          if (stage.waitingCount === 0) subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        stage.dispose();
      };
    });
}
