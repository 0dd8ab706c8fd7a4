import type { FailureReason, RunCounts, SyncKind, SyncOutcome } from '../core';

/**
 * A run's outcome as the store keeps it: plain, serialisable data (the engine's outcome carries a
 * `SyncError` instance, which has no place in actions).
 */
export interface OutcomeSummary {
  readonly status: 'succeeded' | 'failed' | 'skipped';
  readonly kind: SyncKind;
  readonly runId: string | null;
  readonly at: number;
  readonly counts: RunCounts | null;
  readonly reason: FailureReason | 'initialSyncInProgress' | null;
  /** For failures: what went wrong, in words. */
  readonly message: string | null;
  /** For failures: the error's kind (`offline`, `http`, `unauthorized`, …). */
  readonly errorKind: string | null;
}

export function summarizeOutcome(outcome: SyncOutcome): OutcomeSummary {
  switch (outcome.status) {
    case 'skipped':
      return {
        status: 'skipped',
        kind: outcome.kind,
        runId: null,
        at: outcome.at,
        counts: null,
        reason: outcome.reason,
        message: null,
        errorKind: null,
      };
    case 'succeeded':
      return {
        status: 'succeeded',
        kind: outcome.kind,
        runId: outcome.runId,
        at: outcome.finishedAt,
        counts: outcome.counts,
        reason: null,
        message: null,
        errorKind: null,
      };
    case 'failed':
      return {
        status: 'failed',
        kind: outcome.kind,
        runId: outcome.runId,
        at: outcome.finishedAt,
        counts: outcome.counts,
        reason: outcome.reason,
        message: outcome.error.message,
        errorKind: outcome.error.kind,
      };
  }
}
