/**
 * The sync engine's public face: the app, the shell, the session and the features use only what
 * is named here (ESLint keeps them out of sync/*), so the engine's insides can change behind it.
 * Local data is reached through SyncStore only, the one door to the sync collections: the
 * database itself is not exported.
 */
export { provideSync } from './provide-sync';

// The engine and the local data.
export { SyncEngine } from './engine/sync-engine';
export {
  DeadLetterResolver,
  ResolutionUnavailableError,
  type DeadLetterChoice,
} from './engine/dead-letter-resolver';
export {
  DeadLetterNotFoundError,
  LocalRecordNotFoundError,
  LocalWriteBlockedError,
  SyncLog,
  SyncStore,
  type DeadLetter,
  type DeadLetterResolution,
  type SyncLogDoc,
  type SyncLogLevel,
  type TableQuery,
  type UnsyncedRecord,
} from './local';
export {
  SyncError,
  type FailureReason,
  type RunCounts,
  type SyncEvent,
  type SyncKind,
  type SyncPhase,
} from './core';

// The store: actions features react to, and the selectors they read.
export { SyncBadgeActions, SyncEngineActions } from './state/sync.actions';
export type { OutcomeSummary } from './state/outcome-summary';
export { selectBadgeState, selectDeadLetterCount, selectPendingCount } from './state/sync.feature';
export { GateDialogActions } from './gate/gate.actions';
export { selectGateOpen } from './gate/gate.feature';

// The app bar's badge.
export { SyncBadge } from './ui/sync-badge';
