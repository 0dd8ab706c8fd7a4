import {
  catchError,
  concat,
  defer,
  EMPTY,
  endWith,
  ignoreElements,
  map,
  Observable,
  of,
  SchedulerLike,
  Subject,
  tap,
} from 'rxjs';

import { failAfterSilence } from './fail-after';
import { whileLeased } from './lock';
import { SyncEvent } from './sync-state';
import { SyncError, toSyncError } from './sync-error';
import {
  FailureReason,
  PhaseProgress,
  RunContext,
  RunCounts,
  RunOutcome,
  RunPlan,
  SyncPhase,
  SyncPorts,
  TableCount,
} from './types';

export interface RunDeps {
  readonly ports: SyncPorts;
  readonly tabId: string;
  readonly watchdogMs: number;
  readonly scheduler: SchedulerLike;
  /** Where the run reports what it does, as it happens. */
  readonly emit: (event: SyncEvent) => void;
}

/** Tags an error with where the run stopped; an untagged error came from the lock. */
class RunFailure {
  constructor(
    readonly reason: FailureReason,
    readonly error: SyncError,
  ) {}
}

/**
 * One run of a plan: lock, push, then pull (unless push-only), under a watchdog. Emits exactly one
 * outcome, after the lock is released, then completes. Failures become outcomes: the coordinator
 * stream must never die of a run's error.
 */
export function runPlan(plan: RunPlan, runId: string, deps: RunDeps): Observable<RunOutcome> {
  const { ports, scheduler, emit } = deps;
  return defer(() => {
    const startedAt = scheduler.now();
    const context: RunContext = {
      runId,
      kind: plan.kind,
      scope: plan.scope,
      masterData: plan.masterData,
      initialTables: plan.initialTables,
      tabId: deps.tabId,
      startedAt,
    };
    const tally = createTally();
    // Every phase start and progress report proves the run is alive: the watchdog measures
    // silence, not length, so a long initial sync that keeps writing pages is never aborted.
    const activity = new Subject<void>();
    emit({ type: 'runStarted', at: startedAt, run: { ...context, phase: 'waitingForLock' } });
    emit({ type: 'lockWaiting', at: startedAt, runId });

    const phase = (name: SyncPhase): Observable<never> =>
      defer(() => {
        emit({ type: 'phaseStarted', at: scheduler.now(), runId, phase: name });
        activity.next();
        return ports.phases[name](context);
      }).pipe(
        tap({
          next: (progress) => {
            activity.next();
            tally.add(progress);
            emit({ type: 'phaseProgress', at: scheduler.now(), runId, progress });
          },
          complete: () => emit({ type: 'phaseCompleted', at: scheduler.now(), runId, phase: name }),
        }),
        ignoreElements(),
        catchError((error: unknown) => {
          throw new RunFailure(name, toSyncError(error));
        }),
      );

    const phases = (): Observable<never> => {
      // concat, not merge: pull starts only once push completed, and a push error skips it.
      return concat(phase('push'), plan.scope === 'full' ? phase('pull') : EMPTY);
    };

    const holder = { runId, kind: plan.kind, tabId: deps.tabId, startedAt };
    return whileLeased(
      ports.lock.acquire(holder).pipe(
        tap((lease) =>
          emit({
            type: 'lockAcquired',
            at: scheduler.now(),
            runId,
            waitedMs: lease.acquiredAt - startedAt,
          }),
        ),
      ),
      phases,
      () => emit({ type: 'lockReleased', at: scheduler.now(), runId }),
    ).pipe(
      failAfterSilence(
        deps.watchdogMs,
        activity,
        () => {
          emit({ type: 'watchdogFired', at: scheduler.now(), runId, afterMs: deps.watchdogMs });
          return new RunFailure(
            'watchdog',
            SyncError.timeout(`watchdog: no progress for ${deps.watchdogMs} ms`),
          );
        },
        scheduler,
      ),
      endWith(null),
      catchError((error: unknown) =>
        of(error instanceof RunFailure ? error : new RunFailure('lock', toSyncError(error))),
      ),
      map((failure): RunOutcome => {
        const base = {
          runId,
          kind: plan.kind,
          scope: plan.scope,
          masterData: plan.masterData,
          startedAt,
          finishedAt: scheduler.now(),
          counts: tally.counts(),
        };
        return failure
          ? { ...base, status: 'failed', reason: failure.reason, error: failure.error }
          : { ...base, status: 'succeeded' };
      }),
    );
  });
}

/** Progress arrives as cumulative snapshots: the last one per table (and for push) is the count. */
function createTally(): { add(progress: PhaseProgress): void; counts(): RunCounts } {
  let push = { sent: 0, rejected: 0, deadLettered: 0 };
  const tables = new Map<string, TableCount>();
  return {
    add: (progress) => {
      if (progress.phase === 'push') push = progress;
      else tables.set(progress.table, progress);
    },
    counts: () => {
      const pulled = [...tables.values()];
      return {
        pushed: push.sent,
        rejected: push.rejected,
        deadLettered: push.deadLettered,
        pulled: pulled.reduce((sum, table) => sum + table.done, 0),
        tables: pulled.map(({ table, done, total }) =>
          total === undefined ? { table, done } : { table, done, total },
        ),
      };
    },
  };
}
