import { Observable, type SchedulerLike } from 'rxjs';
import {
  createInMemoryLock,
  type AcquireOptions,
  type LockHolder,
  type LockLease,
  type SyncLock,
  type SyncLogSink,
} from '../core';

/** The Web Lock every tab of this origin syncs under. */
export const SYNC_LOCK_NAME = 'field-sync:sync-run';

/**
 * The cross-tab lock: each run holds the Web Lock `SYNC_LOCK_NAME`, so two tabs never sync at
 * once, and the browser frees it when a tab dies (no stale lock after a crash). Same contract as
 * the in-tab lock: one emission when held, released on unsubscribe (also while still waiting,
 * which withdraws the request), and `onWait` when another tab holds it.
 *
 * A first request with `ifAvailable` learns at once whether the lock is taken (a plain request
 * would just queue, silently); only then does it wait in the browser's queue.
 */
export function createWebLock(locks: LockManager, scheduler: SchedulerLike): SyncLock {
  // This tab's leases the browser may not have freed yet: a release is asynchronous, so the next
  // run of this tab can find its own previous lease still there. That is no other tab's sync.
  let ownLeases = 0;

  return {
    acquire: (holder: LockHolder, options?: AcquireOptions) =>
      new Observable<LockLease>((subscriber) => {
        const withdraw = new AbortController();
        let release: (() => void) | undefined;

        // The lock is held until the returned promise settles: settled on unsubscribe.
        const hold = (): Promise<void> | undefined => {
          if (subscriber.closed) return undefined; // gone while the grant was on its way
          const held = new Promise<void>((resolve) => (release = resolve));
          subscriber.next({ holder, acquiredAt: scheduler.now() });
          return held;
        };
        const request = (
          lockOptions: LockOptions,
          onTaken: () => void = () => undefined,
        ): Promise<unknown> => {
          let granted = false;
          return locks
            .request(SYNC_LOCK_NAME, lockOptions, (lock) => {
              if (!lock) {
                onTaken();
                return undefined;
              }
              const held = hold();
              granted = held !== undefined;
              if (granted) ownLeases++;
              return held;
            })
            .finally(() => {
              // The request settles once the browser freed the lock it granted.
              if (granted) ownLeases--;
            });
        };
        const fail = (error: unknown): void => {
          // Withdrawing a waiting request rejects it with an AbortError: that is the release
          // path, not a failure. Anything else is a real failure of the lock.
          if (!withdraw.signal.aborted) subscriber.error(error);
        };
        // Counted when asking: by the time the browser answers, this tab's lease may be gone.
        const ownLeaseBeingFreed = ownLeases > 0;
        const waitForOtherTab = (): void => {
          if (subscriber.closed) return;
          if (!ownLeaseBeingFreed) options?.onWait?.();
          request({ mode: 'exclusive', signal: withdraw.signal }).catch(fail);
        };

        request({ mode: 'exclusive', ifAvailable: true }, waitForOtherTab).catch(fail);
        return () => {
          withdraw.abort();
          release?.();
        };
      }),
  };
}

/**
 * The lock for this browser: Web Locks where they exist, otherwise the in-tab lock, which still
 * serialises this tab's runs but not other tabs' (logged once, so the gap is visible).
 */
export function createBrowserLock(
  locks: LockManager | undefined,
  scheduler: SchedulerLike,
  log: SyncLogSink,
): SyncLock {
  if (locks) return createWebLock(locks, scheduler);
  log({
    time: scheduler.now(),
    level: 'warn',
    phase: 'lock',
    message: 'Web Locks are not available: syncs are serialised in this tab only',
  });
  return createInMemoryLock(scheduler);
}
