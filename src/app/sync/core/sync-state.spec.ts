import { SyncError } from './sync-error';
import { INITIAL_SYNC_STATE, reduceSyncState, RunningSnapshot, SyncEvent } from './sync-state';
import { RunOutcome } from './types';

const run = (runId: string): RunningSnapshot => ({
  runId,
  kind: 'manual',
  phase: 'waitingForLock',
  startedAt: 0,
  tabId: 'tab-a',
  scope: 'full',
  masterData: false,
  initialTables: [],
});

const outcome = (runId: string, finishedAt: number, failed = false): RunOutcome => {
  const base = {
    runId,
    kind: 'manual' as const,
    scope: 'full' as const,
    masterData: false,
    startedAt: 0,
    finishedAt,
    counts: { pushed: 0, rejected: 0, deadLettered: 0, pulled: 0, tables: [] },
  };
  return failed
    ? { ...base, status: 'failed', reason: 'pull', error: SyncError.offline() }
    : { ...base, status: 'succeeded' };
};

const progress = (runId: string, table: string, done: number): SyncEvent => ({
  type: 'phaseProgress',
  at: 1,
  runId,
  progress: { phase: 'pull', table, done },
});

const reduce = (events: SyncEvent[]) => events.reduce(reduceSyncState, INITIAL_SYNC_STATE);

describe('reduceSyncState', () => {
  it('keeps the running run’s latest progress per table, and only that run’s', () => {
    const state = reduce([
      { type: 'runStarted', at: 0, run: run('r1') },
      progress('r1', 'customers', 5),
      progress('r1', 'products', 2),
      progress('r1', 'customers', 9),
      progress('stale', 'customers', 99),
    ]);
    expect(state.progress).toEqual([
      { phase: 'pull', table: 'customers', done: 9 },
      { phase: 'pull', table: 'products', done: 2 },
    ]);
  });

  it('keeps the last run’s progress after it ends, and starts the next run’s afresh', () => {
    const ended = reduce([
      { type: 'runStarted', at: 0, run: run('r1') },
      progress('r1', 'customers', 5),
      { type: 'runCompleted', at: 10, outcome: outcome('r1', 10) },
    ]);
    expect(ended.progress.length).toBe(1);
    expect(reduceSyncState(ended, { type: 'runStarted', at: 20, run: run('r2') }).progress).toEqual(
      [],
    );
  });

  it('remembers when a run last succeeded, which a failure does not change', () => {
    const state = reduce([
      { type: 'runStarted', at: 0, run: run('r1') },
      { type: 'runCompleted', at: 10, outcome: outcome('r1', 10) },
      { type: 'runStarted', at: 20, run: run('r2') },
      { type: 'runCompleted', at: 30, outcome: outcome('r2', 30, true) },
    ]);
    expect([state.lastOutcome?.status, state.lastSyncedAt]).toEqual(['failed', 10]);
  });
});
