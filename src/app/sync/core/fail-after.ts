import {
  asyncScheduler,
  MonoTypeOperatorFunction,
  Observable,
  SchedulerLike,
  Subscription,
} from 'rxjs';

/**
 * A deadline that restarts whenever `activity` emits: if the source hasn't finished after `dueMs`
 * of SILENCE, it is unsubscribed and the result errors with `makeError()`. With an `activity`
 * that never emits (`NEVER`) it is a deadline on the whole stream (not per value, as
 * `timeout({ each })` is). The sync watchdog uses it, so a long initial sync that keeps writing
 * pages is never aborted for its length, while a stuck one (no progress) still is. The source is
 * torn down BEFORE the error is forwarded, so a lock held by the source is already free when the
 * error handler runs (the watchdog relies on that).
 *
 * ```
 * activity:  ---a-----a---------------
 * source:    -------------------------   (never ends by itself)
 * result:    ------------------#         (dueMs after the last `a`)
 * ```
 *
 * ```ts
 * run$.pipe(failAfterSilence(120_000, progress$, () => SyncError.timeout('stuck'), scheduler));
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
