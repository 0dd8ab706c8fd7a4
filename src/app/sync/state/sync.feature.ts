import { createFeature, createReducer, createSelector, on } from '@ngrx/store';
import type { TableName } from '../../../../contract/tables';
import type { RunMarker } from '../lock/run-board';
import { SyncEngineActions } from './sync.actions';
import { INITIAL_SYNC_SNAPSHOT, type SyncStateSnapshot } from './sync-snapshot';

/** What the store owns for a session (the coordinator doesn't know it): reset by each session. */
interface SessionFields {
  readonly userId: string | null;
  /** Tables this user has not initially synced yet (the gate's work). */
  readonly missingTables: readonly TableName[];
  /** Why the engine could not start for this session; null once it did. */
  readonly startError: string | null;
  readonly pendingCount: number;
  readonly deadLetterCount: number;
}

const NO_SESSION: SessionFields = {
  userId: null,
  missingTables: [],
  startError: null,
  pendingCount: 0,
  deadLetterCount: 0,
};

/**
 * The sync slice. What runs, waits, progresses and last happened is the coordinator's state
 * (`SyncStateSnapshot`: running, queued, progress, holds, lastOutcome, lastSyncedAt), copied as
 * reported and never re-derived here; the reducer owns only what the coordinator doesn't know:
 * the session, the counts, the run any tab holds the lock for and the browser's connectivity.
 */
export interface SyncFeatureState extends SyncStateSnapshot, SessionFields {
  /** The run that holds the lock in any tab. */
  readonly lockHolder: RunMarker | null;
  readonly online: boolean;
}

export const initialSyncFeatureState: SyncFeatureState = {
  ...INITIAL_SYNC_SNAPSHOT,
  ...NO_SESSION,
  lockHolder: null,
  online: true,
};

export type BadgeState =
  'synced' | 'pending' | 'syncing' | 'queued' | 'offline' | 'deadLetter' | 'failed';

export const syncFeature = createFeature({
  name: 'sync',
  reducer: createReducer(
    initialSyncFeatureState,
    on(SyncEngineActions.started, (state, { userId, missingTables }): SyncFeatureState => ({
      ...state,
      ...NO_SESSION,
      userId,
      missingTables,
    })),
    on(SyncEngineActions.startFailed, (state, { message }): SyncFeatureState => ({
      ...state,
      startError: message,
    })),
    on(SyncEngineActions.stopped, (state): SyncFeatureState => ({ ...state, ...NO_SESSION })),
    on(SyncEngineActions.stateChanged, (state, { state: engine }): SyncFeatureState => {
      const last = engine.lastOutcome;
      const initialDone = last?.kind === 'initial' && last.status === 'succeeded';
      return { ...state, ...engine, missingTables: initialDone ? [] : state.missingTables };
    }),
    on(SyncEngineActions.countsChanged, (state, { pending, deadLetter }): SyncFeatureState => ({
      ...state,
      pendingCount: pending,
      deadLetterCount: deadLetter,
    })),
    on(SyncEngineActions.remoteRunChanged, (state, { run }): SyncFeatureState => ({
      ...state,
      lockHolder: run,
    })),
    on(SyncEngineActions.connectivityChanged, (state, { online }): SyncFeatureState => ({
      ...state,
      online,
    })),
  ),
  extraSelectors: ({
    selectRunning,
    selectQueued,
    selectStartError,
    selectLockHolder,
    selectLastOutcome,
    selectPendingCount,
    selectDeadLetterCount,
    selectOnline,
  }) => {
    /** A run of any tab is syncing, or this tab's run waits for another tab's lock. */
    const selectSyncing = createSelector(
      selectRunning,
      selectLockHolder,
      (running, holder) => running !== null || holder !== null,
    );
    const selectBadgeState = createSelector(
      selectOnline,
      selectStartError,
      selectQueued,
      selectRunning,
      selectSyncing,
      selectLastOutcome,
      selectDeadLetterCount,
      selectPendingCount,
      selectLockHolder,
      (
        online,
        startError,
        queued,
        running,
        syncing,
        last,
        deadLetters,
        pending,
        holder,
      ): BadgeState => {
        if (!online) return 'offline';
        // No engine runs for this session: nothing will sync until the user logs in again.
        if (startError !== null) return 'failed';
        const waitsForOtherTab =
          running?.phase === 'waitingForLock' && holder !== null && holder.runId !== running.runId;
        // Waiting behind a run, in this tab or another, is "queued".
        if (queued || waitsForOtherTab) return 'queued';
        if (syncing) return 'syncing';
        if (last?.status === 'failed') return 'failed';
        if (deadLetters > 0) return 'deadLetter';
        if (pending > 0) return 'pending';
        return 'synced';
      },
    );
    return { selectSyncing, selectBadgeState };
  },
});

export const {
  selectUserId,
  selectMissingTables,
  selectStartError,
  selectRunning,
  selectQueued,
  selectProgress,
  selectLastOutcome,
  selectLastSyncedAt,
  selectPendingCount,
  selectDeadLetterCount,
  selectOnline,
  selectBadgeState,
  selectSyncing,
} = syncFeature;
