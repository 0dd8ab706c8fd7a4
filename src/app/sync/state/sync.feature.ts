import { createFeature, createReducer, createSelector, on } from '@ngrx/store';
import type { TableName } from '../../../../contract/tables';
import type { PhaseProgress, QueuedSnapshot, RunningSnapshot } from '../core';
import type { RunMarker } from '../lock/run-board';
import { SyncEngineActions } from './sync.actions';
import type { OutcomeSummary } from './outcome-summary';

export interface SyncFeatureState {
  readonly userId: string | null;
  /** Tables this user has not initially synced yet (the gate's work). */
  readonly missingTables: readonly TableName[];
  /** This tab's run (waiting for the lock, pushing or pulling). */
  readonly running: RunningSnapshot | null;
  /** The one request waiting behind it. */
  readonly queued: QueuedSnapshot | null;
  /** Progress of the current run: push counts, and per table for pull. */
  readonly progress: readonly PhaseProgress[];
  /** The run that holds the lock in any tab. */
  readonly lockHolder: RunMarker | null;
  readonly lastOutcome: OutcomeSummary | null;
  /** When a sync last succeeded (epoch ms). */
  readonly lastSyncedAt: number | null;
  readonly pendingCount: number;
  readonly deadLetterCount: number;
  readonly online: boolean;
}

export const initialSyncFeatureState: SyncFeatureState = {
  userId: null,
  missingTables: [],
  running: null,
  queued: null,
  progress: [],
  lockHolder: null,
  lastOutcome: null,
  lastSyncedAt: null,
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
    on(SyncEngineActions.started, (state, { userId, missingTables }): SyncFeatureState => ({
      ...initialSyncFeatureState,
      online: state.online,
      lockHolder: state.lockHolder,
      userId,
      missingTables,
    })),
    on(SyncEngineActions.stopped, (state): SyncFeatureState => ({
      ...initialSyncFeatureState,
      online: state.online,
      lockHolder: state.lockHolder,
    })),
    on(
      SyncEngineActions.requestQueued,
      SyncEngineActions.requestMerged,
      (state, { queued }): SyncFeatureState => ({
        ...state,
        queued,
      }),
    ),
    on(SyncEngineActions.runStarted, (state, { run }): SyncFeatureState => ({
      ...state,
      running: run,
      queued: null,
      progress: [],
    })),
    on(SyncEngineActions.phaseChanged, (state, { runId, phase }): SyncFeatureState =>
      state.running?.runId === runId ? { ...state, running: { ...state.running, phase } } : state,
    ),
    on(SyncEngineActions.progressReported, (state, { runId, progress }): SyncFeatureState =>
      state.running?.runId === runId
        ? { ...state, progress: replaceProgress(state.progress, progress) }
        : state,
    ),
    on(SyncEngineActions.runCompleted, (state, { outcome }): SyncFeatureState => ({
      ...state,
      running: state.running?.runId === outcome.runId ? null : state.running,
      lastOutcome: outcome,
      lastSyncedAt: outcome.status === 'succeeded' ? outcome.at : state.lastSyncedAt,
      missingTables:
        outcome.status === 'succeeded' && outcome.kind === 'initial' ? [] : state.missingTables,
    })),
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
      selectQueued,
      selectRunning,
      selectSyncing,
      selectLastOutcome,
      selectDeadLetterCount,
      selectPendingCount,
      selectLockHolder,
      (online, queued, running, syncing, last, deadLetters, pending, holder): BadgeState => {
        if (!online) return 'offline';
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

/** Progress snapshots are cumulative: keep the latest per phase and table. */
function replaceProgress(list: readonly PhaseProgress[], next: PhaseProgress): PhaseProgress[] {
  const same = (p: PhaseProgress) =>
    p.phase === next.phase &&
    (p.phase === 'push' || (next.phase === 'pull' && p.table === next.table));
  return [...list.filter((p) => !same(p)), next];
}

export const {
  selectUserId,
  selectRunning,
  selectQueued,
  selectProgress,
  selectLastOutcome,
  selectLastSyncedAt,
  selectPendingCount,
  selectDeadLetterCount,
  selectOnline,
  selectMissingTables,
  selectBadgeState,
  selectSyncing,
} = syncFeature;
