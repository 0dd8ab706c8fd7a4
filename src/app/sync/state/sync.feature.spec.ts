import type { QueuedSnapshot, RunningSnapshot } from '../core';
import type { OutcomeSummary } from './outcome-summary';
import { SyncEngineActions } from './sync.actions';
import {
  initialSyncFeatureState as initial,
  selectBadgeState,
  selectSyncing,
  syncFeature,
  type SyncFeatureState,
} from './sync.feature';

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

describe('sync feature reducer', () => {
  it('starts a session clean, keeping what it knows of the browser', () => {
    const before: SyncFeatureState = { ...initial, online: false, pendingCount: 3 };
    const state = reducer(
      before,
      SyncEngineActions.started({ userId: 'u1', missingTables: ['customers'] }),
    );
    expect(state).toEqual({
      ...initial,
      online: false,
      userId: 'u1',
      missingTables: ['customers'],
    });
  });

  it('tracks a queued request until the run that takes it starts', () => {
    let state = reducer(initial, SyncEngineActions.requestQueued({ queued, behind: 'run' }));
    expect(state.queued).toEqual(queued);
    state = reducer(state, SyncEngineActions.runStarted({ run: run() }));
    expect([state.queued, state.running]).toEqual([null, run()]);
  });

  it('follows the phases and keeps the latest progress per phase and table', () => {
    let state = reducer(
      initial,
      SyncEngineActions.runStarted({ run: run({ phase: 'waitingForLock' }) }),
    );
    state = reducer(state, SyncEngineActions.phaseChanged({ runId: 'run-1', phase: 'pull' }));
    const progress = (done: number, table = 'customers') =>
      SyncEngineActions.progressReported({
        runId: 'run-1',
        progress: { phase: 'pull', table, done },
      });
    state = reducer(reducer(reducer(state, progress(5)), progress(9)), progress(2, 'products'));
    expect(state.running?.phase).toBe('pull');
    expect(state.progress).toEqual([
      { phase: 'pull', table: 'customers', done: 9 },
      { phase: 'pull', table: 'products', done: 2 },
    ]);
    // Reports of another run are not this run's progress.
    expect(reducer(state, SyncEngineActions.phaseChanged({ runId: 'other', phase: 'push' }))).toBe(
      state,
    );
  });

  it('records the outcome, and the time only of a success', () => {
    const running = reducer(initial, SyncEngineActions.runStarted({ run: run() }));
    const ok = reducer(running, SyncEngineActions.runCompleted({ outcome: outcome() }));
    expect([ok.running, ok.lastSyncedAt]).toEqual([null, 99]);
    const failed = reducer(
      reducer(ok, SyncEngineActions.runStarted({ run: run({ runId: 'run-2' }) })),
      SyncEngineActions.runCompleted({
        outcome: outcome({ runId: 'run-2', status: 'failed', at: 150 }),
      }),
    );
    expect([failed.lastOutcome?.status, failed.lastSyncedAt]).toEqual(['failed', 99]);
  });
});

describe('sync badge state', () => {
  const badge = (state: Partial<SyncFeatureState>) => {
    const s = { ...initial, ...state };
    const syncing = selectSyncing.projector(s.running, s.lockHolder);
    return selectBadgeState.projector(
      s.online,
      s.queued,
      s.running,
      syncing,
      s.lastOutcome,
      s.deadLetterCount,
      s.pendingCount,
      s.lockHolder,
    );
  };

  it('is synced with nothing to tell', () => expect(badge({})).toBe('synced'));
  it('shows pending changes', () => expect(badge({ pendingCount: 2 })).toBe('pending'));
  it('shows dead letters over pending ones', () =>
    expect(badge({ pendingCount: 2, deadLetterCount: 1 })).toBe('deadLetter'));
  it('shows a failed last run', () =>
    expect(badge({ lastOutcome: outcome({ status: 'failed' }) })).toBe('failed'));
  it('shows syncing while this tab runs', () => expect(badge({ running: run() })).toBe('syncing'));
  it('shows syncing while another tab holds the lock', () =>
    expect(
      badge({ lockHolder: { runId: 'r9', kind: 'manual', tabId: 'tab-b', startedAt: 1 } }),
    ).toBe('syncing'));
  it('shows queued while a request waits', () =>
    expect(badge({ running: run(), queued })).toBe('queued'));
  it('shows queued while this run waits for another tab', () =>
    expect(
      badge({
        running: run({ phase: 'waitingForLock' }),
        lockHolder: { runId: 'r9', kind: 'manual', tabId: 'tab-b', startedAt: 1 },
      }),
    ).toBe('queued'));
  it('shows offline above everything', () =>
    expect(badge({ online: false, running: run(), queued, pendingCount: 3 })).toBe('offline'));
});
