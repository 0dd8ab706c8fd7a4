import {
  asyncScheduler,
  BehaviorSubject,
  from,
  Observable,
  ObservableInput,
  SchedulerLike,
  Subscription,
} from 'rxjs';

import { SyncError } from './sync-error';
import { LockHolder, LockLease, SyncLock } from './types';

export interface LockSnapshot {
  readonly holder: LockHolder | null;
  /** Waiters in the order they will be served. */
  readonly waiting: readonly LockHolder[];
}

/** The in-tab lock, with its state exposed for diagnostics and for the tests' invariants. */
export interface InMemorySyncLock extends SyncLock {
  readonly snapshot$: Observable<LockSnapshot>;
  snapshot(): LockSnapshot;
}

interface Waiter {
  readonly holder: LockHolder;
  readonly grant: (lease: LockLease) => void;
}

/**
 * A FIFO lock for one tab (and for tests, where holders of other "tabs" share it). The cross-tab
 * Web Locks version implements the same `SyncLock` contract: one `acquire` emission when held,
 * release on unsubscribe, `onWait` when the holder has to wait.
 */
export function createInMemoryLock(scheduler: SchedulerLike = asyncScheduler): InMemorySyncLock {
  let held: Waiter | null = null;
  const waiters: Waiter[] = [];
  const snapshots = new BehaviorSubject<LockSnapshot>({ holder: null, waiting: [] });

  const publish = (): void =>
    snapshots.next({ holder: held?.holder ?? null, waiting: waiters.map((w) => w.holder) });

  const grantNext = (): void => {
    const next = held ? undefined : waiters.shift();
    if (!next) return;
    held = next;
    publish();
    next.grant({ holder: next.holder, acquiredAt: scheduler.now() });
  };

  return {
    snapshot$: snapshots.asObservable(),
    snapshot: () => snapshots.value,
    acquire: (holder, options) =>
      new Observable<LockLease>((subscriber) => {
        const waiter: Waiter = { holder, grant: (lease) => subscriber.next(lease) };
        waiters.push(waiter);
        publish();
        grantNext();
        // Not granted at once: someone else holds it (in tests, "another tab").
        if (held !== waiter) options?.onWait?.();
        return () => {
          if (held === waiter) {
            held = null;
          } else {
            waiters.splice(waiters.indexOf(waiter), 1);
          }
          publish();
          grantNext();
        };
      }),
  };
}

/**
 * Runs `body` while holding the lease from `acquire$`, and ends the lease BEFORE the body's
 * completion or error is forwarded: whoever reacts to the end of a run (the next run, a test)
 * finds the lock already free. Plain composition (`concatMap` + `takeWhile`) would release it only
 * after the downstream had already heard about the end.
 *
 * ```
 * acquire$:  ---L---------------   (never completes: the lease lasts until unsubscribed)
 * body(L):      ---a---|
 * result:    ------a---|           (acquire$ unsubscribed just before `|`)
 * ```
 *
 * @param onReleased Called once the lease ended, if it was ever granted (for the log).
 */
export function whileLeased<T>(
  acquire$: Observable<LockLease>,
  body: (lease: LockLease) => ObservableInput<T>,
  onReleased: (lease: LockLease) => void = () => undefined,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const work = new Subscription();
    let lease: LockLease | null = null;
    let acquisition: Subscription | null = null;

    const release = (): void => {
      if (!acquisition || acquisition.closed) return;
      acquisition.unsubscribe();
      if (lease) onReleased(lease);
    };

    const start = (granted: LockLease): void => {
      work.add(
        from(body(granted)).subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            release();
            subscriber.error(error);
          },
          complete: () => {
            release();
            subscriber.complete();
          },
        }),
      );
    };

    acquisition = acquire$.subscribe({
      next: (granted) => {
        if (lease) return; // the contract is one emission; a second one means nothing new
        lease = granted;
        // A synchronous grant waits until `acquisition` exists, so `release` can always end it.
        if (acquisition) start(granted);
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => {
        if (!lease) subscriber.error(new SyncError('unknown', 'lock completed without a lease'));
      },
    });
    // Reading through a cast: TypeScript can't see that the callback above may have set `lease`.
    const grantedDuringSubscribe = lease as LockLease | null;
    if (grantedDuringSubscribe && !subscriber.closed) start(grantedDuringSubscribe);

    return () => {
      work.unsubscribe();
      release();
    };
  });
}
