import {
  asyncScheduler,
  defer,
  map,
  merge,
  MonoTypeOperatorFunction,
  Observable,
  OperatorFunction,
  retry,
  SchedulerLike,
  Subject,
  throwError,
  timer,
  finalize,
} from 'rxjs';

import { isTransientSyncError } from './sync-error';

/** The product's initial-sync retry rhythm: wait 2 s, then 5 s, then 15 s, then give up. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [2000, 5000, 15000];

/** What the initial-sync dialog shows while it waits: "retrying in 5 s (attempt 2 of 3)". */
export interface RetryNotice {
  /** Which retry this is, from 1. */
  readonly attempt: number;
  readonly of: number;
  readonly delayMs: number;
  readonly error: unknown;
  readonly message: string;
}

/** A value of the retried stream, or a notice that a retry is scheduled. */
export type BackoffStep<T> =
  | { readonly type: 'value'; readonly value: T }
  | { readonly type: 'retrying'; readonly notice: RetryNotice };

/**
 * Resubscribes to the source after a transient error, waiting `delays[n - 1]` before retry `n`;
 * gives up (rethrows) after the last delay, or at once for an error that isn't transient (a 401
 * ends the session: retrying it would only hide that). Built on `retry({ count, delay })`. The
 * waits are made visible: emits `{ type: 'retrying', notice }` when a retry is scheduled (the
 * initial-sync dialog shows it) and `{ type: 'value', value }` for the source's values.
 *
 * ```
 * source (fails at once each time):   #
 * subscriptions:                      ^ 2s ^ 5s ^ 15s ^
 * result:                             r 2s r 5s r 15s #   (r: retrying; the error at 22 s)
 *
 * source (fails, then succeeds):      #  ...  --a|
 * result:                             r 2s    --v|        (v: the value a)
 * ```
 *
 * ```ts
 * initialSync$.pipe(retryWithBackoffNotices([2000, 5000, 15000], isTransientSyncError, scheduler));
 * ```
 */
export function retryWithBackoffNotices<T>(
  delays: readonly number[] = DEFAULT_RETRY_DELAYS_MS,
  isTransient: (error: unknown) => boolean = isTransientSyncError,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<T, BackoffStep<T>> {
  return (source) =>
    defer(() => {
      // One notices channel per subscription; it ends with the retried stream.
      const notices = new Subject<BackoffStep<T>>();
      const values: Observable<BackoffStep<T>> = source.pipe(
        retryOn<T>(delays, isTransient, scheduler, (notice) =>
          notices.next({ type: 'retrying', notice }),
        ),
        map((value) => ({ type: 'value', value }) as const),
        finalize(() => notices.complete()),
      );
      return merge(notices, values);
    });
}

function retryOn<T>(
  delays: readonly number[],
  isTransient: (error: unknown) => boolean,
  scheduler: SchedulerLike,
  onRetry: (notice: RetryNotice) => void,
): MonoTypeOperatorFunction<T> {
  return retry<T>({
    count: delays.length,
    delay: (error: unknown, attempt: number) => {
      if (!isTransient(error)) return throwError(() => error);
      const delayMs = delays[attempt - 1];
      const seconds = Math.round(delayMs / 100) / 10;
      onRetry({
        attempt,
        of: delays.length,
        delayMs,
        error,
        message: `retrying in ${seconds} s (attempt ${attempt} of ${delays.length})`,
      });
      return timer(delayMs, scheduler);
    },
  });
}
