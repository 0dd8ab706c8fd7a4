// The sync engine's framework-free core: no Angular, RxDB or DOM in here (adapters live elsewhere).
export { exhaustMapWithTrailing } from './exhaust-map-with-trailing';
export { failAfterSilence } from './fail-after';
export {
  DEFAULT_RETRY_DELAYS_MS,
  retryWithBackoffNotices,
  type BackoffStep,
  type RetryNotice,
} from './backoff';
export {
  createSyncCoordinator,
  DEFAULT_DEBOUNCE_MS,
  DEFAULT_WATCHDOG_MS,
  type SyncCoordinator,
} from './coordinator';
export { createInMemoryLock, whileLeased, type InMemorySyncLock, type LockSnapshot } from './lock';
export { KIND_STRENGTH, mergePlans, planFor } from './plan';
export { countProgress, foldProgress } from './progress';
export { runPlan, type RunDeps } from './run';
export { isTransientSyncError, SyncError, toSyncError, type SyncErrorKind } from './sync-error';
export { toLogEntry } from './sync-log';
export {
  INITIAL_SYNC_STATE,
  initialSyncActive,
  reduceSyncState,
  type QueuedSnapshot,
  type RunningSnapshot,
  type SyncEvent,
  type SyncEventType,
  type SyncState,
} from './sync-state';
export type * from './types';
