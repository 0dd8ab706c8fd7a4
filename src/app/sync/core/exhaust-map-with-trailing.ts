import { from, Observable, ObservableInput, Observer, OperatorFunction, Subscription } from 'rxjs';

/** The default fold: a value that arrives while busy replaces the one already waiting. */
function latestWins<T, B>(_buffered: B | undefined, value: T): B {
  return value as unknown as B;
}

/**
 * Like `exhaustMap`, but nothing that arrives while busy is lost: those values are folded into ONE
 * waiting value, which is projected as soon as the running inner completes.
 *
 * ```
 * source:  -a--b-c------d-----|
 * project: a → --x|   (b,c) → --y|   d → --z|
 * result:  ---x----y------z---|        (with the default fold, c replaces b)
 * ```
 *
 * A value that starts a run at once also goes through `fold(undefined, value)`, so `project`
 * always receives a `B`. Source completion waits for the running inner and the waiting value.
 * Inners that complete synchronously, inners that push into the source synchronously, and long
 * chains of such re-entrant triggers are handled by a loop (a trampoline), never by recursion, so
 * the stack stays flat however many runs chain up. A run is finalized before the next one is
 * projected (and before the result completes), and unsubscribing stops a synchronous inner or
 * source at once, mid-emission.
 *
 * ## Example
 *
 * ```ts
 * requests$.pipe(
 *   exhaustMapWithTrailing(
 *     (plan) => runSync(plan),
 *     (waiting: Plan | undefined, request: Request) => mergePlans(waiting, request),
 *   ),
 * );
 * ```
 *
 * @param project Maps the folded value to the inner run. Its index counts projections.
 * @param fold Merges a value into the one waiting (`undefined` when none waits); latest wins by
 *   default.
 */
export function exhaustMapWithTrailing<T, R, B = T>(
  project: (value: B, index: number) => ObservableInput<R>,
  fold: (buffered: B | undefined, value: T) => B = latestWins,
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      // The waiting value sits in a box so that a fold returning `undefined` still counts as waiting.
      let waiting: { readonly value: B } | null = null;
      let innerRunning = false;
      // Set while the drain loop is on the stack: re-entrant calls leave the work to that loop.
      let draining = false;
      let sourceDone = false;
      let index = 0;

      const drain = (): void => {
        if (draining) return;
        draining = true;
        try {
          while (waiting && !innerRunning && !subscriber.closed) {
            const { value } = waiting;
            waiting = null;
            innerRunning = true;
            let input: ObservableInput<R>;
            try {
              input = project(value, index++);
            } catch (error) {
              subscriber.error(error);
              return;
            }
            let completed = false;
            const running = subscribeHeld(subscriber, input, {
              next: (result) => subscriber.next(result),
              error: (error: unknown) => subscriber.error(error),
              complete: () => {
                completed = true;
              },
            });
            // Added after the inner's own finalizers, so the next run starts (and the result
            // completes) only once this one is torn down, as `concatMap` does. Runs at once if the
            // inner already ended; the loop above then picks the waiting value up.
            running.add(() => {
              if (!completed) return;
              innerRunning = false;
              drain();
            });
          }
          if (sourceDone && !innerRunning && !waiting) subscriber.complete();
        } finally {
          draining = false;
        }
      };

      subscriber.add(() => {
        waiting = null;
      });
      subscribeHeld(subscriber, source, {
        next: (value) => {
          // The fold owns the waiting value until it returns: if a side effect of the fold ends
          // the running inner, the re-entrant drain must not project the value half-merged.
          const previous = waiting;
          waiting = null;
          try {
            waiting = { value: fold(previous?.value, value) };
          } catch (error) {
            subscriber.error(error);
            return;
          }
          drain();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          drain();
        },
      });
    });
}

/**
 * Subscribes `observer` to `input` through a subscriber that `holder` holds BEFORE the subscription
 * starts. `holder.add(from(input).subscribe(observer))` would attach it only once `subscribe()`
 * returns, so a consumer that unsubscribes in the middle of a synchronous emission could not stop
 * it: the emitter would keep looping (and running side effects) into a subscriber nobody closed.
 * Held this way, closing `holder` closes the emitter's subscriber at once. An input that is not an
 * `ObservableInput` makes `from` throw inside the subscribe function, which RxJS turns into an
 * error notification.
 */
function subscribeHeld<T>(
  holder: Subscription,
  input: ObservableInput<T>,
  observer: Partial<Observer<T>>,
): Subscription {
  return new Observable<T>((held) => {
    holder.add(held);
    if (!held.closed) from(input).subscribe(held);
  }).subscribe(observer);
}
