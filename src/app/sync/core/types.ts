import { Observable } from 'rxjs';

import { SyncError } from './sync-error';

/** Why a sync was asked for. The order of strength is in `KIND_STRENGTH` (plan.ts). */
export type SyncKind = 'initial' | 'masterData' | 'manual' | 'repository' | 'background';

/** `pushOnly` runs skip the pull phase; merging `pushOnly` with `full` gives `full`. */
export type SyncScope = 'pushOnly' | 'full';

export type SyncPhase = 'push' | 'pull';

/** A caller's request. Only `initial` carries data: the tables it must pull from scratch. */
export type SyncTrigger =
  | { readonly kind: 'manual' | 'repository' | 'background' | 'masterData' }
  | { readonly kind: 'initial'; readonly tables: readonly string[] };

/**
 * What one run will do: every request folded into it, reduced to the widest scope and the
 * strongest kind. Plans are values; merging two gives a new one (see `mergePlans`).
 */
export interface RunPlan {
  readonly kind: SyncKind;
  readonly scope: SyncScope;
  /** Reset the master-data tables' checkpoints and pull them again. Survives every merge. */
  readonly masterData: boolean;
  /** Tables to sync from scratch (the union of the merged `initial` requests). */
  readonly initialTables: readonly string[];
  readonly requestCount: number;
  /** Arrival time of the oldest request in the plan. */
  readonly since: number;
}

/** What the phases are told about the run they serve. */
export interface RunContext {
  readonly runId: string;
  readonly kind: SyncKind;
  readonly scope: SyncScope;
  readonly masterData: boolean;
  readonly initialTables: readonly string[];
  readonly tabId: string;
  readonly startedAt: number;
}

/**
 * Progress snapshots (cumulative, not deltas), so a late subscriber or a lost event never skews a
 * count. A push reports record-level rejections here, as data: they do not fail the run.
 */
export type PhaseProgress =
  | {
      readonly phase: 'push';
      readonly sent: number;
      readonly total?: number;
      readonly rejected: number;
      readonly deadLettered: number;
    }
  | {
      readonly phase: 'pull';
      readonly table: string;
      readonly done: number;
      readonly total?: number;
    };

/** The network-facing half of a run. Both are cold; a transport failure errors with `SyncError`. */
export interface SyncPhases {
  push(run: RunContext): Observable<PhaseProgress>;
  pull(run: RunContext): Observable<PhaseProgress>;
}

export interface LockHolder {
  readonly runId: string;
  readonly kind: SyncKind;
  readonly tabId: string;
  readonly startedAt: number;
}

export interface LockLease {
  readonly holder: LockHolder;
  readonly acquiredAt: number;
}

export interface AcquireOptions {
  /**
   * Called once, before waiting, when someone else holds the lock (another tab, for the Web
   * Lock): the request has to wait for a sync that is already in progress. Not called when the
   * lock is granted at once.
   */
  readonly onWait?: () => void;
}

/**
 * A mutual-exclusion lock. `acquire` emits once when the lock is held and holds it until the
 * subscriber unsubscribes: teardown is the release, so an aborted run can't leak the lock.
 * `acquire` must not complete while the lock is held.
 */
export interface SyncLock {
  acquire(holder: LockHolder, options?: AcquireOptions): Observable<LockLease>;
}

export type SyncLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface SyncLogEntry {
  readonly time: number;
  readonly level: SyncLogLevel;
  readonly runId?: string;
  readonly kind?: SyncKind;
  readonly phase?: SyncPhase | 'lock';
  readonly tabId?: string;
  readonly message: string;
  readonly data?: unknown;
}

export type SyncLogSink = (entry: SyncLogEntry) => void;

export interface SyncPorts {
  readonly phases: SyncPhases;
  readonly lock: SyncLock;
  /** Optional: the coordinator logs nothing without one. */
  readonly log?: SyncLogSink;
}

export interface SyncCoordinatorConfig {
  readonly tabId: string;
  /** Quiet time before regular triggers start a run. Default 500. */
  readonly debounceMs?: number;
  /** A run (lock wait included) that makes no progress for this long is aborted. Default 120000. */
  readonly watchdogMs?: number;
}

export interface TableCount {
  readonly table: string;
  readonly done: number;
  readonly total?: number;
}

export interface RunCounts {
  readonly pushed: number;
  readonly rejected: number;
  readonly deadLettered: number;
  readonly pulled: number;
  readonly tables: readonly TableCount[];
}

interface RunOutcomeBase {
  readonly runId: string;
  readonly kind: SyncKind;
  readonly scope: SyncScope;
  readonly masterData: boolean;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly counts: RunCounts;
}

/** Where a failed run stopped: a phase, the lock, or the watchdog. */
export type FailureReason = 'lock' | 'push' | 'pull' | 'watchdog';

/** What a caller learns. Failures are values here: only teardown reaches callers as an error. */
export type SyncOutcome =
  | (RunOutcomeBase & { readonly status: 'succeeded' })
  | (RunOutcomeBase & {
      readonly status: 'failed';
      readonly reason: FailureReason;
      readonly error: SyncError;
    })
  | {
      readonly status: 'skipped';
      readonly kind: 'background';
      readonly reason: 'initialSyncInProgress';
      readonly at: number;
    };

export type RunOutcome = Extract<SyncOutcome, { readonly runId: string }>;
