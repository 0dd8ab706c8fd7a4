import { createFeature, createReducer, createSelector, on } from '@ngrx/store';
import type { TableName } from '../../../../contract/tables';
import type { RunMarker } from '../lock/run-board';
import { SyncEngineActions } from './sync.actions';
import { INITIAL_SYNC_SNAPSHOT, type SyncStateSnapshot } from './sync-snapshot';

/**
 * The sync slice. What runs, waits, progresses and last happened is the coordinator's state, kept
 * as reported (`engine`); the reducer owns only what the coordinator doesn't know: the session,
 * the counts, the other tabs' run, the browser's connectivity and a failed start.
 */
export interface SyncFeatureState {
  readonly userId: string | null;
  /** Tables this user has not initially synced yet (the gate's work). */
  readonly missingTables: readonly TableName[];
  /** The coordinator's state (this tab's run, the one request waiting, progress, last outcome). */
  readonly engine: SyncStateSnapshot;
  /** Why the engine could not start for this session; null once it did. */
  readonly startError: string | null;
  /** The run that holds the lock in any tab. */
  readonly lockHolder: RunMarker | null;
  readonly pendingCount: number;
  readonly deadLetterCount: number;
  readonly online: boolean;
}

export const initialSyncFeatureState: SyncFeatureState = {
  userId: null,
  missingTables: [],
  engine: INITIAL_SYNC_SNAPSHOT,
  startError: null,
  lockHolder: null,
  pendingCount: 0,
  deadLetterCount: 0,
  online: true,
};

export type BadgeState =
  'synced' | 'pending' | 'syncing' | 'queued' | 'offline' | 'deadLetter' | 'failed';

export const syncFeature = createFeature({
  name: 'sync',
  reducer: createReducer(
    initialSyncFeatureState,
    // A session's store-owned fields start clean; the engine's state stays as the engine reports
    // it (a new session's coordinator reports its own initial state).
    on(SyncEngineActions.started, (state, { userId, missingTables }): SyncFeatureState => ({
      ...initialSyncFeatureState,
      engine: state.engine,
      online: state.online,
      lockHolder: state.lockHolder,
      userId,
      missingTables,
    })),
    on(SyncEngineActions.startFailed, (state, { message }): SyncFeatureState => ({
      ...state,
      startError: message,
    })),
    on(SyncEngineActions.stopped, (state): SyncFeatureState => ({
      ...initialSyncFeatureState,
      engine: state.engine,
      online: state.online,
      lockHolder: state.lockHolder,
    })),
    on(SyncEngineActions.stateChanged, (state, { state: engine }): SyncFeatureState => {
      const last = engine.lastOutcome;
      const initialDone = last?.kind === 'initial' && last.status === 'succeeded';
      return { ...state, engine, missingTables: initialDone ? [] : state.missingTables };
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
    selectEngine,
    selectStartError,
    selectLockHolder,
    selectPendingCount,
    selectDeadLetterCount,
    selectOnline,
  }) => {
    const selectRunning = createSelector(selectEngine, (engine) => engine.running);
    const selectQueued = createSelector(selectEngine, (engine) => engine.queued);
    const selectProgress = createSelector(selectEngine, (engine) => engine.progress);
    const selectLastOutcome = createSelector(selectEngine, (engine) => engine.lastOutcome);
    /** When a sync last succeeded (epoch ms). */
    const selectLastSyncedAt = createSelector(selectEngine, (engine) => engine.lastSucceededAt);
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
    return {
      selectRunning,
      selectQueued,
      selectProgress,
      selectLastOutcome,
      selectLastSyncedAt,
      selectSyncing,
      selectBadgeState,
    };
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
