import { asyncScheduler, firstValueFrom, type Observable, type Subscription } from 'rxjs';
import type { LockHolder, LockLease, SyncLogEntry } from '../core';
import { createBrowserLock, createWebLock, SYNC_LOCK_NAME } from './web-lock';
import { anotherTabHoldsTheSyncLock } from './web-lock.testing';

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

/** An `onWait` that counts its calls, and a promise of the first one. */
function waitSignal(): { onWait: () => void; waited: Promise<void>; count: () => number } {
  let calls = 0;
  let signal!: () => void;
  const waited = new Promise<void>((resolve) => (signal = resolve));
  return { onWait: () => (calls++, signal()), waited, count: () => calls };
}

// Against Chromium's real Web Locks: only the real thing shows that the browser serialises.
// Every wait here is on a lock grant, a lock query or `onWait`, never on a timer. One adapter is
// one tab (its runs never overlap), so two holders at once means two adapters.
describe('createWebLock', () => {
  const tabA = createWebLock(navigator.locks, asyncScheduler);
  const tabB = createWebLock(navigator.locks, asyncScheduler);
  let subscriptions: Subscription[];

  beforeEach(() => (subscriptions = []));
  afterEach(() => subscriptions.forEach((subscription) => subscription.unsubscribe()));

  it('grants the lock to its holder and frees it on unsubscribe', async () => {
    const lease = await take(tabA.acquire(holder('run-1')), subscriptions);
    expect(lease.holder.runId).toBe('run-1');
    expect(await lockState()).toEqual({ held: 1, pending: 0 });

    subscriptions[0].unsubscribe();
    // A new holder can only be granted once the first one is gone.
    expect((await take(tabB.acquire(holder('run-2')), subscriptions)).holder.runId).toBe('run-2');
  });

  it('makes a second tab wait until the first releases, and says so', async () => {
    const order: string[] = [];
    const signal = waitSignal();
    await take(tabA.acquire(holder('run-1')), subscriptions);
    const second = take(tabB.acquire(holder('run-2'), signal), subscriptions).then((l) =>
      order.push(l.holder.runId),
    );
    await signal.waited;
    expect(await lockState()).toEqual({ held: 1, pending: 1 });
    expect(order).toEqual([]);

    subscriptions[0].unsubscribe();
    await second;
    expect(order).toEqual(['run-2']);
    expect(signal.count()).toBe(1);
  });

  it('says so for a holder outside the adapter too (a tab of an older version)', async () => {
    const freeOtherTab = await anotherTabHoldsTheSyncLock(navigator.locks);
    const signal = waitSignal();
    const lease = take(tabA.acquire(holder('run-1'), signal), subscriptions);
    await signal.waited;
    expect(await lockState()).toEqual({ held: 1, pending: 1 });

    freeOtherTab();
    expect((await lease).holder.runId).toBe('run-1');
  });

  it('withdraws a waiting request on unsubscribe, without an error', async () => {
    const errors: unknown[] = [];
    const signal = waitSignal();
    await take(tabA.acquire(holder('run-1')), subscriptions);
    const waiting = tabB
      .acquire(holder('run-2'), signal)
      .subscribe({ error: (e: unknown) => errors.push(e) });
    await signal.waited;
    expect((await lockState()).pending).toBe(1);

    waiting.unsubscribe();
    expect(await lockState()).toEqual({ held: 1, pending: 0 });
    subscriptions[0].unsubscribe();
    await take(tabB.acquire(holder('run-3')), subscriptions);
    expect(errors).toEqual([]);
  });

  it('does not say so for a free lock, nor for this tab’s own lease being freed', async () => {
    const signal = waitSignal();
    await take(tabA.acquire(holder('run-1'), signal), subscriptions);
    subscriptions[0].unsubscribe();
    // This tab's next run asks at once, while the browser may still be freeing run-1's lease.
    await take(tabA.acquire(holder('run-2'), signal), subscriptions);
    expect(signal.count()).toBe(0);
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
