import { foldProgress } from './progress';
import { PhaseProgress, RunOutcome, SyncKind, SyncOutcome, SyncPhase, SyncScope } from './types';

/** The run that holds (or waits for) the lock. */
export interface RunningSnapshot {
  readonly runId: string;
  readonly kind: SyncKind;
  readonly phase: 'waitingForLock' | SyncPhase;
  readonly startedAt: number;
  readonly tabId: string;
  readonly scope: SyncScope;
  readonly masterData: boolean;
  readonly initialTables: readonly string[];
}

/** The one request waiting behind a run or a hold (queue depth is 1: later ones merge into it). */
export interface QueuedSnapshot {
  readonly kind: SyncKind;
  readonly scope: SyncScope;
  readonly masterData: boolean;
  readonly initialTables: readonly string[];
  readonly requestCount: number;
  readonly since: number;
}

/**
 * The one source of sync state: the coordinator folds its events into it, and the app's store
 * keeps it as reported (a snapshot per change), never re-deriving it from the events.
 */
export interface SyncState {
  readonly running: RunningSnapshot | null;
  readonly queued: QueuedSnapshot | null;
  /**
   * The latest progress per phase and table of the running run (of the last run once it ended;
   * emptied when the next one starts).
   */
  readonly progress: readonly PhaseProgress[];
  /** Holds (e.g. the cooldown after the initial sync) in force; regular runs wait while > 0. */
  readonly holds: number;
  readonly lastOutcome: SyncOutcome | null;
  readonly lastOutcomeAt: number | null;
  /** When the last successful run finished. */
  readonly lastSyncedAt: number | null;
}

export const INITIAL_SYNC_STATE: SyncState = {
  running: null,
  queued: null,
  progress: [],
  holds: 0,
  lastOutcome: null,
  lastOutcomeAt: null,
  lastSyncedAt: null,
};

/**
 * Everything the coordinator does, as events: the store reduces them, the toast effect reacts to
 * `requestQueued`, and the log sink writes each one. `at` is `scheduler.now()`.
 */
export type SyncEvent =
  | { readonly type: 'requestReceived'; readonly at: number; readonly kind: SyncKind }
  | {
      /** Once per queued request: the first request that has to wait, not every merge after it. */
      readonly type: 'requestQueued';
      readonly at: number;
      readonly behind: 'run' | 'hold';
      readonly queued: QueuedSnapshot;
    }
  | { readonly type: 'requestMerged'; readonly at: number; readonly queued: QueuedSnapshot }
  | { readonly type: 'runStarted'; readonly at: number; readonly run: RunningSnapshot }
  | { readonly type: 'lockWaiting'; readonly at: number; readonly runId: string }
  | {
      /**
       * The run waits because another tab holds the lock (its sync is in progress).
       * `alreadyQueued`: the run's requests were already reported by `requestQueued` behind this
       * tab's previous run, so this is no new wait for them (the user was told once already).
       */
      readonly type: 'lockContended';
      readonly at: number;
      readonly runId: string;
      readonly alreadyQueued: boolean;
    }
  | {
      readonly type: 'lockAcquired';
      readonly at: number;
      readonly runId: string;
      readonly waitedMs: number;
    }
  | { readonly type: 'lockReleased'; readonly at: number; readonly runId: string }
  | {
      readonly type: 'phaseStarted';
      readonly at: number;
      readonly runId: string;
      readonly phase: SyncPhase;
    }
  | {
      readonly type: 'phaseProgress';
      readonly at: number;
      readonly runId: string;
      readonly progress: PhaseProgress;
    }
  | {
      readonly type: 'phaseCompleted';
      readonly at: number;
      readonly runId: string;
      readonly phase: SyncPhase;
    }
  | { readonly type: 'runCompleted'; readonly at: number; readonly outcome: RunOutcome }
  | { readonly type: 'backgroundSkipped'; readonly at: number; readonly blockedBy: string | null }
  | {
      readonly type: 'watchdogFired';
      readonly at: number;
      readonly runId: string;
      readonly afterMs: number;
    }
  | { readonly type: 'holdStarted'; readonly at: number }
  | { readonly type: 'holdEnded'; readonly at: number }
  | { readonly type: 'destroyed'; readonly at: number; readonly pendingCallers: number };

export type SyncEventType = SyncEvent['type'];

/** Pure: the coordinator's `state$` is this reducer folded over its `events$`. */
export function reduceSyncState(state: SyncState, event: SyncEvent): SyncState {
  switch (event.type) {
    case 'requestQueued':
    case 'requestMerged':
      return { ...state, queued: event.queued };
    case 'runStarted':
      // Queue depth is 1, so the run that starts is always the one that waited, if one did.
      return { ...state, running: event.run, queued: null, progress: [] };
    case 'lockWaiting':
      return withPhase(state, event.runId, 'waitingForLock');
    case 'phaseStarted':
      return withPhase(state, event.runId, event.phase);
    case 'phaseProgress':
      // Reports of a run that is no longer the running one are not its progress.
      if (state.running?.runId !== event.runId) return state;
      return { ...state, progress: foldProgress(state.progress, event.progress) };
    case 'runCompleted':
      return {
        ...state,
        running: state.running?.runId === event.outcome.runId ? null : state.running,
        lastOutcome: event.outcome,
        lastOutcomeAt: event.at,
        lastSyncedAt:
          event.outcome.status === 'succeeded' ? event.outcome.finishedAt : state.lastSyncedAt,
      };
    case 'holdStarted':
      return { ...state, holds: state.holds + 1 };
    case 'holdEnded':
      return { ...state, holds: Math.max(0, state.holds - 1) };
    case 'destroyed':
      return { ...state, running: null, queued: null };
    default:
      return state;
  }
}

function withPhase(state: SyncState, runId: string, phase: RunningSnapshot['phase']): SyncState {
  if (state.running?.runId !== runId) return state;
  return { ...state, running: { ...state.running, phase } };
}

/** True while an initial sync runs or waits: background push-only requests are skipped then. */
export function initialSyncActive(state: SyncState): boolean {
  return state.running?.kind === 'initial' || state.queued?.kind === 'initial';
}
