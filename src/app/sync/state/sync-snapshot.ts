import { INITIAL_SYNC_STATE, type SyncState } from '../core';
import { summarizeOutcome, type OutcomeSummary } from './outcome-summary';

/**
 * The coordinator's state as the store keeps it: the same fields, with the last outcome as plain
 * data (the engine's outcome carries a `SyncError` instance, which has no place in actions).
 */
export type SyncStateSnapshot = Omit<SyncState, 'lastOutcome'> & {
  readonly lastOutcome: OutcomeSummary | null;
};

export function toSnapshot(state: SyncState): SyncStateSnapshot {
  return {
    ...state,
    lastOutcome: state.lastOutcome === null ? null : summarizeOutcome(state.lastOutcome),
  };
}

export const INITIAL_SYNC_SNAPSHOT: SyncStateSnapshot = toSnapshot(INITIAL_SYNC_STATE);
