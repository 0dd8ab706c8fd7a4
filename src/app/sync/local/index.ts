/** The local database layer: what the sync engine and the features may use. */
export {
  DeadLetterNotFoundError,
  OutdatedServerVersionError,
  type DeadLetter,
  type DeadLetterReason,
  type DeadLetterResolution,
  type ResolutionResult,
} from './dead-letters';
export { LocalDatabase, type LocalDbHandle, type SyncCollection } from './local-database';
export {
  CHANGE_ID_FACTORY,
  LOCAL_CLOCK,
  LOCAL_DB_OPTIONS,
  LOCAL_DB_STORAGE,
  PULL_WRITE_HOOKS,
  SYNC_STORE_CONFIG,
  SYNC_TAB_ID,
  SYNC_TABLE_REGISTRY,
  withDevTooling,
  type LocalDbOptions,
  type SyncStoreConfig,
} from './local-db.tokens';
export {
  collectionName,
  NEVER_PUSHED_REV,
  type SyncDoc,
  type SyncLogDoc,
  type SyncLogLevel,
  type SyncMeta,
} from './local-schemas';
export {
  LocalRecordNotFoundError,
  LocalWriteBlockedError,
  ReadOnlyTableError,
} from './local-write.errors';
export type { UnsyncedRecord } from './local-reads';
export type { LocalWrite } from './local-writes';
export type { PullPosition } from './checkpoint-store';
export { PULL_WRITE_CONTEXT, type PullWriteCounts, type PullWriteHooks } from './pull-writer';
export type { PushResultCounts } from './push-store';
export {
  RESYNC_CONFLICT_REASON,
  type EpochState,
  type ResyncCounts,
  type ResyncRecord,
} from './resync-store';
export { SyncLog, type SyncLogInput } from './sync-log';
export { SyncStore, type RecordPatch, type TableQuery } from './sync-store';
export { SyncStoreBase, type PulledBatchResult } from './sync-store-base';
