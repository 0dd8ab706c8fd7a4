import type { PhaseProgress } from '../core';
import { SyncEngineActions } from '../state/sync.actions';
import { INITIAL_SYNC_SNAPSHOT } from '../state/sync-snapshot';
import { GateActions, GateDialogActions } from './gate.actions';
import { gateFeature, initialGateState, selectGateView } from './gate.feature';

const { reducer } = gateFeature;
/** The engine reports its running run's progress: the latest per phase and table. */
const engineProgress = (...progress: PhaseProgress[]) =>
  SyncEngineActions.stateChanged({ state: { ...INITIAL_SYNC_SNAPSHOT, progress } });
const pull = (table: 'customers' | 'products', done: number, total: number): PhaseProgress => ({
  phase: 'pull',
  table,
  done,
  total,
});

describe('gate feature', () => {
  const opened = reducer(
    initialGateState,
    GateActions.opened({ tables: ['customers', 'products'] }),
  );

  it('opens for the missing tables and closes on completion or when the session stops', () => {
    expect(opened.status).toBe('syncing');
    expect(reducer(opened, GateActions.completed())).toEqual(initialGateState);
    expect(reducer(opened, SyncEngineActions.stopped())).toEqual(initialGateState);
  });

  it('goes through retrying and failed, and back to syncing on "Try again"', () => {
    const retrying = reducer(
      opened,
      GateActions.retrying({ attempt: 1, of: 3, delayMs: 2000, message: '' }),
    );
    expect([retrying.status, retrying.retry]).toEqual([
      'retrying',
      { attempt: 1, of: 3, delayMs: 2000 },
    ]);
    const failed = reducer(retrying, GateActions.failed({ message: 'down' }));
    expect([failed.status, failed.error]).toEqual(['failed', 'down']);
    const again = reducer(failed, GateDialogActions.tryAgain());
    expect([again.status, again.retry, again.error]).toEqual(['syncing', null, null]);
  });

  it('keeps each table’s progress across attempts, and ignores progress while closed', () => {
    let state = reducer(opened, engineProgress(pull('customers', 500, 500)));
    state = reducer(state, GateActions.retrying({ attempt: 1, of: 3, delayMs: 2000, message: '' }));
    // The next attempt is a new run: the engine reports only what that run pulled.
    state = reducer(
      state,
      engineProgress({ phase: 'push', sent: 0, rejected: 0, deadLettered: 0 }),
    );
    state = reducer(state, engineProgress(pull('products', 100, 300)));
    const view = selectGateView.projector(state);
    expect(view.tables.map((t) => [t.label, t.done, t.total, t.complete])).toEqual([
      ['Customers', 500, 500, true],
      ['Products', 100, 300, false],
    ]);
    expect([view.current?.table, view.tablesDone, view.percent]).toEqual(['products', 1, 75]);
    expect(reducer(initialGateState, engineProgress(pull('customers', 1, 1)))).toBe(
      initialGateState,
    );
  });
});
