import { SYNC_LOCK_NAME } from './web-lock';

/**
 * For specs on the real Web Locks: holds the sync lock the way another tab would (outside any
 * adapter of this page) and resolves once it is held, with the call that frees it.
 */
export async function anotherTabHoldsTheSyncLock(locks: LockManager): Promise<() => void> {
  let free!: () => void;
  const held = new Promise<void>((resolve) => (free = resolve));
  await new Promise<void>((granted) => {
    void locks.request(SYNC_LOCK_NAME, () => (granted(), held));
  });
  return free;
}
