import { from, Observable, ObservableInput, OperatorFunction, Subscription } from 'rxjs';

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
 * the stack stays flat however many runs chain up.
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
      let inner: Subscription | null = null;
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
            const running = new Subscription();
            inner = running;
            running.add(
              from(input).subscribe({
                next: (result) => subscriber.next(result),
                error: (error: unknown) => subscriber.error(error),
                complete: () => {
                  // Only the current inner may hand over; the loop (or this call) projects the next.
                  if (inner !== running) return;
                  inner = null;
                  innerRunning = false;
                  drain();
                },
              }),
            );
          }
          if (sourceDone && !innerRunning && !waiting) subscriber.complete();
        } finally {
          draining = false;
        }
      };

      const sourceSubscription = source.subscribe({
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

      return () => {
        sourceSubscription.unsubscribe();
        inner?.unsubscribe();
        inner = null;
        waiting = null;
      };
    });
}
