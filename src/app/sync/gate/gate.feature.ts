import { createFeature, createReducer, createSelector, on } from '@ngrx/store';
import { SYNC_TABLES, type TableName } from '../../../../contract/tables';
import { foldProgress, type PhaseProgress } from '../core';
import { SyncEngineActions } from '../state/sync.actions';
import { GateActions, GateDialogActions } from './gate.actions';

export type GateStatus = 'closed' | 'syncing' | 'retrying' | 'failed';

export interface GateState {
  readonly status: GateStatus;
  /** The tables the gate waits for. */
  readonly tables: readonly TableName[];
  readonly retry: {
    readonly attempt: number;
    readonly of: number;
    readonly delayMs: number;
  } | null;
  readonly error: string | null;
  /**
   * The latest pull progress per gated table, kept across attempts: each retry is a new run, and
   * the dialog must not forget what earlier attempts brought.
   */
  readonly progress: readonly PullProgress[];
}

type PullProgress = Extract<PhaseProgress, { phase: 'pull' }>;

const isPull = (progress: PhaseProgress): progress is PullProgress => progress.phase === 'pull';

export const initialGateState: GateState = {
  status: 'closed',
  tables: [],
  retry: null,
  error: null,
  progress: [],
};

export const gateFeature = createFeature({
  name: 'syncGate',
  reducer: createReducer(
    initialGateState,
    on(GateActions.opened, (_state, { tables }): GateState => ({
      ...initialGateState,
      status: 'syncing',
      tables,
    })),
    on(GateActions.attemptStarted, GateDialogActions.tryAgain, (state): GateState =>
      state.status === 'closed' ? state : { ...state, status: 'syncing', retry: null, error: null },
    ),
    on(GateActions.retrying, (state, { attempt, of, delayMs }): GateState => ({
      ...state,
      status: 'retrying',
      retry: { attempt, of, delayMs },
    })),
    on(GateActions.failed, (state, { message }): GateState => ({
      ...state,
      status: 'failed',
      error: message,
    })),
    // The engine's progress is the running run's; the gate adds each run's onto what earlier
    // attempts brought, with the engine's own fold.
    on(SyncEngineActions.stateChanged, (state, { state: engine }): GateState => {
      const pulled = engine.progress.filter(isPull);
      if (state.status === 'closed' || pulled.length === 0) return state;
      return {
        ...state,
        progress: pulled.reduce((all, report) => foldProgress(all, report), state.progress),
      };
    }),
    on(GateActions.completed, SyncEngineActions.stopped, (): GateState => initialGateState),
  ),
});

export const { selectStatus: selectGateStatus, selectTables: selectGateTables } = gateFeature;
export const selectGateOpen = createSelector(selectGateStatus, (status) => status !== 'closed');

/** One table's place in the initial sync, as the dialog shows it. */
export interface GateTableProgress {
  readonly table: TableName;
  readonly label: string;
  readonly done: number;
  readonly total: number | null;
  readonly complete: boolean;
}

export interface GateView {
  readonly status: GateStatus;
  readonly tables: readonly GateTableProgress[];
  /** The table being pulled now (the first one not complete). */
  readonly current: GateTableProgress | null;
  readonly tablesDone: number;
  /** 0–100, over records of every gated table (tables without a known total count as done). */
  readonly percent: number;
  readonly retry: GateState['retry'];
  readonly error: string | null;
}

export const selectGateView = createSelector(gateFeature.selectSyncGateState, (gate): GateView => {
  const tables = gate.tables.map((table) => tableProgress(table, gate.progress));
  const totals = tables.reduce(
    (sum, t) => ({
      done: sum.done + Math.min(t.done, t.total ?? t.done),
      all: sum.all + (t.total ?? t.done),
    }),
    { done: 0, all: 0 },
  );
  return {
    status: gate.status,
    tables,
    current: tables.find((t) => !t.complete) ?? null,
    tablesDone: tables.filter((t) => t.complete).length,
    percent: totals.all === 0 ? 0 : Math.floor((totals.done / totals.all) * 100),
    retry: gate.retry,
    error: gate.error,
  };
});

function tableProgress(table: TableName, progress: readonly PullProgress[]): GateTableProgress {
  const label = SYNC_TABLES.find((spec) => spec.name === table)?.label ?? table;
  const latest = progress.find((p) => p.phase === 'pull' && p.table === table);
  if (!latest || latest.phase !== 'pull')
    return { table, label, done: 0, total: null, complete: false };
  const total = latest.total ?? null;
  return {
    table,
    label,
    done: latest.done,
    total,
    complete: total !== null && latest.done >= total,
  };
}
