import type { QueuedSnapshot, RunningSnapshot } from '../core';
import type { OutcomeSummary } from './outcome-summary';
import { SyncEngineActions } from './sync.actions';
import {
  initialSyncFeatureState as initial,
  selectBadgeState,
  selectLastSyncedAt,
  selectProgress,
  selectQueued,
  selectRunning,
  selectSyncing,
  syncFeature,
  type SyncFeatureState,
} from './sync.feature';
import { INITIAL_SYNC_SNAPSHOT, type SyncStateSnapshot } from './sync-snapshot';

const { reducer } = syncFeature;

const run = (overrides: Partial<RunningSnapshot> = {}): RunningSnapshot => ({
  runId: 'run-1',
  kind: 'manual',
  phase: 'push',
  startedAt: 10,
  tabId: 'tab-a',
  scope: 'full',
  masterData: false,
  initialTables: [],
  ...overrides,
});

const queued: QueuedSnapshot = {
  kind: 'repository',
  scope: 'full',
  masterData: false,
  initialTables: [],
  requestCount: 2,
  since: 20,
};

const outcome = (overrides: Partial<OutcomeSummary> = {}): OutcomeSummary => ({
  status: 'succeeded',
  kind: 'manual',
  runId: 'run-1',
  at: 99,
  counts: null,
  reason: null,
  message: null,
  errorKind: null,
  ...overrides,
});

const engine = (overrides: Partial<SyncStateSnapshot> = {}): SyncStateSnapshot => ({
  ...INITIAL_SYNC_SNAPSHOT,
  ...overrides,
});
const changed = (overrides: Partial<SyncStateSnapshot>) =>
  SyncEngineActions.stateChanged({ state: engine(overrides) });
const root = (state: SyncFeatureState) => ({ [syncFeature.name]: state });

describe('sync feature reducer', () => {
  it('starts a session clean, keeping what it knows of the browser and what the engine said', () => {
    const before: SyncFeatureState = {
      ...initial,
      running: run(),
      online: false,
      pendingCount: 3,
      startError: 'no storage',
    };
    const state = reducer(
      before,
      SyncEngineActions.started({ userId: 'u1', missingTables: ['customers'] }),
    );
    expect(state).toEqual({
      ...initial,
      running: run(),
      online: false,
      userId: 'u1',
      missingTables: ['customers'],
    });
  });

  it('keeps the coordinator’s state as reported, and reads run, queue and progress from it', () => {
    const progress = [{ phase: 'pull', table: 'customers', done: 9 } as const];
    const reported = engine({ running: run({ phase: 'pull' }), queued, progress });
    const state = reducer(initial, SyncEngineActions.stateChanged({ state: reported }));
    expect(selectRunning(root(state))).toBe(reported.running);
    expect(selectQueued(root(state))).toBe(queued);
    expect(selectProgress(root(state))).toBe(progress);
    // A later report replaces the run's state whole: nothing of the earlier one lingers.
    const next = reducer(state, changed({ lastSyncedAt: 5 }));
    expect([selectRunning(root(next)), selectQueued(root(next))]).toEqual([null, null]);
    expect(selectProgress(root(next))).toEqual([]);
  });

  it('shows the last success’s time, from the engine', () => {
    const state = reducer(initial, changed({ lastSyncedAt: 99, lastOutcome: outcome() }));
    // Through the projector: MockStore specs override this selector, memoised, for the whole run.
    expect(selectLastSyncedAt.projector(state)).toBe(99);
  });

  it('forgets the missing tables once an initial sync succeeded, and only then', () => {
    const gated = reducer(
      initial,
      SyncEngineActions.started({ userId: 'u1', missingTables: ['customers'] }),
    );
    const failed = changed({ lastOutcome: outcome({ kind: 'initial', status: 'failed' }) });
    expect(reducer(gated, failed).missingTables).toEqual(['customers']);
    const done = changed({ lastOutcome: outcome({ kind: 'initial' }) });
    expect(reducer(gated, done).missingTables).toEqual([]);
  });

  it('keeps why the engine could not start, until a session starts', () => {
    const failed = reducer(initial, SyncEngineActions.startFailed({ message: 'no storage' }));
    expect(failed.startError).toBe('no storage');
    const started = reducer(failed, SyncEngineActions.started({ userId: 'u1', missingTables: [] }));
    expect(started.startError).toBeNull();
  });
});

describe('sync badge state', () => {
  const badge = (state: Partial<SyncFeatureState>) => {
    const s = { ...initial, ...state };
    const syncing = selectSyncing.projector(s.running, s.lockHolder);
    return selectBadgeState.projector(
      s.online,
      s.startError,
      s.queued,
      s.running,
      syncing,
      s.lastOutcome,
      s.deadLetterCount,
      s.pendingCount,
      s.lockHolder,
    );
  };
  const otherTab = { runId: 'r9', kind: 'manual', tabId: 'tab-b', startedAt: 1 } as const;

  it('is synced with nothing to tell', () => expect(badge({})).toBe('synced'));
  it('shows pending changes', () => expect(badge({ pendingCount: 2 })).toBe('pending'));
  it('shows dead letters over pending ones', () =>
    expect(badge({ pendingCount: 2, deadLetterCount: 1 })).toBe('deadLetter'));
  it('shows a failed last run', () =>
    expect(badge({ lastOutcome: outcome({ status: 'failed' }) })).toBe('failed'));
  it('shows failed when the engine could not start', () =>
    expect(badge({ startError: 'no storage', pendingCount: 2 })).toBe('failed'));
  it('shows syncing while this tab runs', () => expect(badge({ running: run() })).toBe('syncing'));
  it('shows syncing while another tab holds the lock', () =>
    expect(badge({ lockHolder: otherTab })).toBe('syncing'));
  it('shows queued while a request waits', () =>
    expect(badge({ running: run(), queued })).toBe('queued'));
  it('shows queued while this run waits for another tab', () =>
    expect(badge({ running: run({ phase: 'waitingForLock' }), lockHolder: otherTab })).toBe(
      'queued',
    ));
  it('shows offline above everything', () =>
    expect(badge({ online: false, running: run(), queued, pendingCount: 3 })).toBe('offline'));
});
