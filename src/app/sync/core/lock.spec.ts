import { EMPTY, NEVER, Subject, switchMap, throwError } from 'rxjs';

import { createInMemoryLock, whileLeased } from './lock';
import { LockHolder } from './types';
import { createTestScheduler } from '../../../testing/test-scheduler';

const holder = (runId: string): LockHolder => ({
  runId,
  kind: 'manual',
  tabId: 'tab',
  startedAt: 0,
});

describe('createInMemoryLock', () => {
  it('grants one holder at a time, first come first served', () => {
    const lock = createInMemoryLock();
    const granted: string[] = [];
    const a = lock.acquire(holder('a')).subscribe((l) => granted.push(l.holder.runId));
    const b = lock.acquire(holder('b')).subscribe((l) => granted.push(l.holder.runId));
    const c = lock.acquire(holder('c')).subscribe((l) => granted.push(l.holder.runId));
    expect(granted).toEqual(['a']);
    expect(lock.snapshot().waiting.map((h) => h.runId)).toEqual(['b', 'c']);
    a.unsubscribe();
    expect(granted).toEqual(['a', 'b']);
    c.unsubscribe(); // a waiter that gives up leaves the queue without ever holding
    b.unsubscribe();
    expect(granted).toEqual(['a', 'b']);
    expect(lock.snapshot()).toEqual({ holder: null, waiting: [] });
  });

  it('stamps the lease with the scheduler clock', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const lock = createInMemoryLock(testScheduler);
      const first = lock.acquire(holder('a'));
      expectObservable(first, '  1s !').toBe('a', { a: { holder: holder('a'), acquiredAt: 0 } });
      const grantedAt: number[] = [];
      cold('500ms x')
        .pipe(switchMap(() => lock.acquire(holder('b'))))
        .subscribe((lease) => grantedAt.push(lease.acquiredAt));
      testScheduler.flush();
      expect(grantedAt).toEqual([1000]);
    });
  });
});

describe('whileLeased', () => {
  it('releases the lease before forwarding completion', () => {
    const lock = createInMemoryLock();
    const body = new Subject<string>();
    const seen: string[] = [];
    whileLeased(
      lock.acquire(holder('a')),
      () => body,
      () => seen.push('released'),
    ).subscribe({
      complete: () => seen.push(`complete, holder ${lock.snapshot().holder?.runId ?? 'none'}`),
    });
    body.complete();
    expect(seen).toEqual(['released', 'complete, holder none']);
  });

  it('releases the lease before forwarding an error', () => {
    const lock = createInMemoryLock();
    const seen: string[] = [];
    whileLeased(lock.acquire(holder('a')), () => throwError(() => new Error('boom'))).subscribe({
      error: (e: unknown) =>
        seen.push(`${(e as Error).message}, holder ${lock.snapshot().holder?.runId ?? 'none'}`),
    });
    expect(seen).toEqual(['boom, holder none']);
  });

  it('releases the lease when unsubscribed, and never starts a body that was not granted', () => {
    const lock = createInMemoryLock();
    const started: string[] = [];
    const a = whileLeased(lock.acquire(holder('a')), () => (started.push('a'), NEVER)).subscribe();
    const b = whileLeased(lock.acquire(holder('b')), () => (started.push('b'), EMPTY)).subscribe();
    expect(started).toEqual(['a']);
    b.unsubscribe();
    a.unsubscribe();
    expect(started).toEqual(['a']);
    expect(lock.snapshot()).toEqual({ holder: null, waiting: [] });
  });

  it('hands the lock on when a synchronous body completes', () => {
    const lock = createInMemoryLock();
    const order: string[] = [];
    for (const id of ['a', 'b', 'c']) {
      whileLeased(lock.acquire(holder(id)), () => (order.push(id), EMPTY)).subscribe();
    }
    expect(order).toEqual(['a', 'b', 'c']);
    expect(lock.snapshot().holder).toBeNull();
  });
});
