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
import { countProgress, foldProgress } from './progress';
import { SyncEvent } from './sync-state';
import { SyncError, toSyncError } from './sync-error';
import {
  FailureReason,
  PhaseProgress,
  RunContext,
  RunOutcome,
  RunPlan,
  SyncPhase,
  SyncPorts,
} from './types';

export interface RunDeps {
  readonly ports: SyncPorts;
  readonly tabId: string;
  readonly watchdogMs: number;
  readonly scheduler: SchedulerLike;
  /** Where the run reports what it does, as it happens. */
  readonly emit: (event: SyncEvent) => void;
  /**
   * The run's requests were already reported queued behind this tab's previous run: a wait for
   * another tab's lock is then no new wait for them (`lockContended.alreadyQueued`).
   */
  readonly alreadyQueued?: boolean;
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
    let progress: readonly PhaseProgress[] = [];
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
          next: (report) => {
            activity.next();
            progress = foldProgress(progress, report);
            emit({ type: 'phaseProgress', at: scheduler.now(), runId, progress: report });
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
    // onWait: another tab's sync is in progress, so this run's requests wait for it.
    const onWait = () =>
      emit({
        type: 'lockContended',
        at: scheduler.now(),
        runId,
        alreadyQueued: deps.alreadyQueued ?? false,
      });
    const acquire$ = ports.lock.acquire(holder, { onWait }).pipe(
      tap((lease) =>
        emit({
          type: 'lockAcquired',
          at: scheduler.now(),
          runId,
          waitedMs: lease.acquiredAt - startedAt,
        }),
      ),
    );
    return whileLeased(acquire$, phases, () =>
      emit({ type: 'lockReleased', at: scheduler.now(), runId }),
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
          counts: countProgress(progress),
        };
        return failure
          ? { ...base, status: 'failed', reason: failure.reason, error: failure.error }
          : { ...base, status: 'succeeded' };
      }),
    );
  });
}
