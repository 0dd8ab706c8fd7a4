import { Observable, type SchedulerLike } from 'rxjs';
import {
  createInMemoryLock,
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
 * which withdraws the request).
 */
export function createWebLock(locks: LockManager, scheduler: SchedulerLike): SyncLock {
  return {
    acquire: (holder: LockHolder) =>
      new Observable<LockLease>((subscriber) => {
        const withdraw = new AbortController();
        let release: (() => void) | undefined;
        locks
          .request(SYNC_LOCK_NAME, { mode: 'exclusive', signal: withdraw.signal }, () => {
            if (subscriber.closed) return undefined; // gone while the grant was on its way
            // The lock is held until this promise settles: settle it on unsubscribe.
            const held = new Promise<void>((resolve) => (release = resolve));
            subscriber.next({ holder, acquiredAt: scheduler.now() });
            return held;
          })
          .catch((error: unknown) => {
            // Withdrawing a waiting request rejects it with an AbortError: that is the release
            // path, not a failure. Anything else is a real failure of the lock.
            if (!withdraw.signal.aborted) subscriber.error(error);
          });
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
