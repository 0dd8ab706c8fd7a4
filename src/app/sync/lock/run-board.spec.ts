import { asyncScheduler, firstValueFrom, skip, Subject, take } from 'rxjs';
import { MemoryStorage } from '../../../testing/memory-storage';
import type { SyncLogEntry } from '../core';
import { RUN_MARKER_KEY, RunBoard, type RunMarker } from './run-board';
import { SYNC_LOCK_NAME } from './web-lock';

const marker: RunMarker = { runId: 'run-7', kind: 'manual', tabId: 'tab-b', startedAt: 100 };

/** A LockManager whose `query` reports the sync lock as held or not. */
function fakeLocks(held: () => boolean): LockManager {
  return {
    query: async () => ({
      held: held() ? [{ name: SYNC_LOCK_NAME, mode: 'exclusive' }] : [],
      pending: [],
    }),
    request: () => Promise.reject(new Error('not used')),
  } as unknown as LockManager;
}

describe('RunBoard', () => {
  let storage: MemoryStorage;
  let storageEvents: Subject<StorageEvent>;
  let log: SyncLogEntry[];
  let lockHeld: boolean;

  beforeEach(() => {
    storage = new MemoryStorage();
    storageEvents = new Subject();
    log = [];
    lockHeld = true;
  });

  const board = () =>
    new RunBoard(
      storage,
      storageEvents,
      fakeLocks(() => lockHeld),
      (e) => log.push(e),
      asyncScheduler,
      60_000,
    );

  it('shows the run another tab announced, and its end', async () => {
    const seen: (RunMarker | null)[] = [];
    const next = () => new Promise<void>((resolve) => (onNext = resolve));
    let onNext: () => void = () => undefined;
    const subscription = board().current$.subscribe((run) => {
      seen.push(run);
      onNext();
    });

    const announced = next();
    storage.setItem(RUN_MARKER_KEY, JSON.stringify(marker));
    storageEvents.next(new StorageEvent('storage', { key: RUN_MARKER_KEY }));
    await announced;
    const ended = next();
    storage.removeItem(RUN_MARKER_KEY);
    storageEvents.next(new StorageEvent('storage', { key: RUN_MARKER_KEY }));
    await ended;
    subscription.unsubscribe();
    expect(seen).toEqual([null, marker, null]);
  });

  it('shows its own announcements', async () => {
    const subject = board();
    const runs = firstValueFrom(subject.current$.pipe(skip(1), take(1)));
    subject.announce(marker);
    expect(await runs).toEqual(marker);
    expect(subject.read()).toEqual(marker);
    subject.announce(null);
    expect(storage.getItem(RUN_MARKER_KEY)).toBeNull();
  });

  it('clears and logs the note of a tab that died holding the lock', async () => {
    storage.setItem(RUN_MARKER_KEY, JSON.stringify(marker));
    lockHeld = false;
    expect(await firstValueFrom(board().current$)).toBeNull();
    expect(storage.getItem(RUN_MARKER_KEY)).toBeNull();
    expect(log.map((entry) => [entry.level, entry.runId, entry.message])).toEqual([
      ['warn', 'run-7', 'Cleared the run note of a tab that stopped while syncing'],
    ]);
  });

  it('reads an unreadable note as no run', () => {
    storage.setItem(RUN_MARKER_KEY, '{oops');
    expect(board().read()).toBeNull();
  });
});
