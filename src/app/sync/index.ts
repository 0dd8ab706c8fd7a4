/** The sync engine's public face: features and the app use only what is exported here. */
export { provideSync } from './provide-sync';
export { SyncEngine } from './engine/sync-engine';
export {
  DeadLetterResolver,
  ResolutionUnavailableError,
  resolveDeadLetter,
  type DeadLetterChoice,
} from './engine/dead-letter-resolver';
export { SYNC_API, type SyncApi } from './transport/sync-transport';
export { SyncBadgeActions, SyncEngineActions } from './state/sync.actions';
export * from './state/sync.feature';
export type { OutcomeSummary } from './state/outcome-summary';
export { SyncBadge } from './ui/sync-badge';
export {
  LocalDatabase,
  LocalRecordNotFoundError,
  LocalWriteBlockedError,
  ReadOnlyTableError,
  SyncStore,
  type LocalWrite,
  type RecordPatch,
  type SyncMeta,
} from './local';
export {
  DeadLetterNotFoundError,
  SyncLog,
  type DeadLetter,
  type DeadLetterReason,
  type DeadLetterResolution,
  type ResolutionResult,
  type SyncLogDoc,
  type SyncLogLevel,
} from './local';
export {
  SyncError,
  type FailureReason,
  type RunCounts,
  type SyncEvent,
  type SyncKind,
  type SyncPhase,
} from './core';
export { DEFAULT_SYNC_CONFIG, SYNC_CONFIG, SYNC_SCHEDULER, type SyncConfig } from './sync.tokens';
export { GateActions, GateDialogActions } from './gate/gate.actions';
export { selectGateOpen, selectGateView, type GateView } from './gate/gate.feature';
