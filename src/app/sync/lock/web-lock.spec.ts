import { asyncScheduler, firstValueFrom, type Observable, type Subscription } from 'rxjs';
import type { LockHolder, LockLease, SyncLogEntry } from '../core';
import { createBrowserLock, createWebLock, SYNC_LOCK_NAME } from './web-lock';

const holder = (runId: string): LockHolder => ({
  runId,
  kind: 'manual',
  tabId: 'tab-1',
  startedAt: 0,
});

/** The real Web Lock's state as the browser reports it. */
async function lockState(): Promise<{ held: number; pending: number }> {
  const state = await navigator.locks.query();
  const ours = (locks: LockInfo[] | undefined) =>
    (locks ?? []).filter((l) => l.name === SYNC_LOCK_NAME).length;
  return { held: ours(state.held), pending: ours(state.pending) };
}

/** Subscribes and resolves with the lease once granted; the subscription holds the lock. */
function take(acquire$: Observable<LockLease>, into: Subscription[]): Promise<LockLease> {
  return new Promise((resolve, reject) => {
    into.push(acquire$.subscribe({ next: resolve, error: reject }));
  });
}

// Against Chromium's real Web Locks: only the real thing shows that the browser serialises.
// Every wait here is on a lock grant or a lock query, never on a timer.
describe('createWebLock', () => {
  const lock = createWebLock(navigator.locks, asyncScheduler);
  let subscriptions: Subscription[];

  beforeEach(() => (subscriptions = []));
  afterEach(() => subscriptions.forEach((subscription) => subscription.unsubscribe()));

  it('grants the lock to its holder and frees it on unsubscribe', async () => {
    const lease = await take(lock.acquire(holder('run-1')), subscriptions);
    expect(lease.holder.runId).toBe('run-1');
    expect(await lockState()).toEqual({ held: 1, pending: 0 });

    subscriptions[0].unsubscribe();
    // A new holder can only be granted once the first one is gone.
    expect((await take(lock.acquire(holder('run-2')), subscriptions)).holder.runId).toBe('run-2');
  });

  it('makes a second holder wait until the first releases', async () => {
    const order: string[] = [];
    await take(lock.acquire(holder('run-1')), subscriptions);
    const second = take(lock.acquire(holder('run-2')), subscriptions).then((l) =>
      order.push(l.holder.runId),
    );
    expect(await lockState()).toEqual({ held: 1, pending: 1 });
    expect(order).toEqual([]);

    subscriptions[0].unsubscribe();
    await second;
    expect(order).toEqual(['run-2']);
  });

  it('withdraws a waiting request on unsubscribe, without an error', async () => {
    const errors: unknown[] = [];
    await take(lock.acquire(holder('run-1')), subscriptions);
    const waiting = lock
      .acquire(holder('run-2'))
      .subscribe({ error: (e: unknown) => errors.push(e) });
    expect((await lockState()).pending).toBe(1);

    waiting.unsubscribe();
    expect(await lockState()).toEqual({ held: 1, pending: 0 });
    subscriptions[0].unsubscribe();
    await take(lock.acquire(holder('run-3')), subscriptions);
    expect(errors).toEqual([]);
  });
});

describe('createBrowserLock', () => {
  it('falls back to the in-tab lock without Web Locks, and says so once', async () => {
    const log: SyncLogEntry[] = [];
    const lock = createBrowserLock(undefined, asyncScheduler, (entry) => log.push(entry));
    const lease = await firstValueFrom(lock.acquire(holder('run-1')));
    expect(lease.holder.runId).toBe('run-1');
    expect(log.map((entry) => [entry.level, entry.message])).toEqual([
      ['warn', 'Web Locks are not available: syncs are serialised in this tab only'],
    ]);
  });
});
