import {
  asyncScheduler,
  MonoTypeOperatorFunction,
  NEVER,
  Observable,
  SchedulerLike,
  Subscription,
} from 'rxjs';

/**
 * A deadline on the whole stream (not per value, as `timeout({ each })` is): if the source hasn't
 * finished `dueMs` after subscription, it is unsubscribed and the result errors with `makeError()`.
 * The source is torn down BEFORE the error is forwarded, so a lock held by the source is already
 * free when the error handler runs (the watchdog, built on failAfterSilence, relies on that).
 *
 * ```
 * source:        --a--b--c--d--|
 * failAfter(7):  --a--b-#            (source unsubscribed at 7, then the error)
 * ```
 *
 * ```ts
 * request$.pipe(failAfter(30_000, () => SyncError.timeout('no answer'), scheduler));
 * ```
 */
export function failAfter<T>(
  dueMs: number,
  makeError: () => unknown,
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<T> {
  // A deadline that no activity ever restarts.
  return failAfterSilence<T>(dueMs, NEVER, makeError, scheduler);
}

/**
 * Like `failAfter`, but the deadline restarts whenever `activity` emits: the source fails only
 * after `dueMs` of SILENCE. The sync watchdog uses it, so a long initial sync that keeps writing
 * pages is never aborted for its length, while a stuck one (no progress) still is.
 *
 * ```
 * activity:  ---a-----a---------------
 * source:    -------------------------   (never ends by itself)
 * result:    ------------------#         (dueMs after the last `a`)
 * ```
 */
export function failAfterSilence<T>(
  dueMs: number,
  activity: Observable<unknown>,
  makeError: () => unknown,
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let deadline = new Subscription();
      const arm = (): void => {
        deadline.unsubscribe();
        deadline = scheduler.schedule(() => {
          const error = makeError();
          upstream.unsubscribe();
          pulse.unsubscribe();
          subscriber.error(error);
        }, dueMs);
      };
      const pulse = activity.subscribe(() => arm());
      const upstream: Subscription = source.subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      if (!subscriber.closed) arm();
      return () => {
        deadline.unsubscribe();
        pulse.unsubscribe();
        upstream.unsubscribe();
      };
    });
}
