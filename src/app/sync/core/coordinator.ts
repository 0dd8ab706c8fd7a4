import {
  asyncScheduler,
  AsyncSubject,
  BehaviorSubject,
  buffer,
  catchError,
  concat,
  debounceTime,
  defer,
  EMPTY,
  filter,
  first,
  from,
  ignoreElements,
  map,
  merge,
  mergeMap,
  Observable,
  ObservableInput,
  of,
  SchedulerLike,
  Subject,
  take,
  tap,
  throwError,
  timer,
} from 'rxjs';

import { exhaustMapWithTrailing } from './exhaust-map-with-trailing';
import { mergePlans, planFor } from './plan';
import { runPlan } from './run';
import { SyncError } from './sync-error';
import { toLogEntry } from './sync-log';
import {
  INITIAL_SYNC_STATE,
  initialSyncActive,
  QueuedSnapshot,
  reduceSyncState,
  SyncEvent,
  SyncState,
} from './sync-state';
import { RunPlan, SyncCoordinatorConfig, SyncOutcome, SyncPorts, SyncTrigger } from './types';

export const DEFAULT_DEBOUNCE_MS = 500;
export const DEFAULT_WATCHDOG_MS = 120_000;

export interface SyncCoordinator {
  /** Current state; replays the latest to every subscriber and completes on `destroy()`. */
  readonly state$: Observable<SyncState>;
  /** Every coordination event, as it happens (hot, no replay). */
  readonly events$: Observable<SyncEvent>;
  /**
   * Registers a request at once and returns its outcome: one value, then complete. The outcome is
   * that of the first run started after the request (the run it was merged into). Replays to late
   * subscribers; unsubscribing does not cancel the run others may share. Errors only with
   * `SyncError('aborted')` when the coordinator is (or gets) destroyed.
   */
  request(trigger: SyncTrigger): Observable<SyncOutcome>;
  /**
   * Holds regular runs until `release` emits or completes: requests merge into the one waiting
   * request and run when the last hold ends. An `initial` request is not held.
   */
  holdUntil(release: ObservableInput<unknown>): void;
  /** `holdUntil` a timer: the 5 s after the initial sync during which regular triggers wait. */
  cooldown(ms: number): void;
  snapshot(): SyncState;
  /** Tears the running run down (freeing the lock) and errors every waiting caller. */
  destroy(): void;
}

/** Requests that run together, and the callers their outcome settles. */
interface Batch {
  readonly plan: RunPlan;
  readonly callers: readonly AsyncSubject<SyncOutcome>[];
  /** Reported queued behind this tab's run (`requestQueued`): its wait was announced already. */
  readonly queuedBehindRun?: boolean;
}

/** What the trigger operator folds: a batch of requests, or `null` when a hold begins. */
type Admission = Batch | null;

export function createSyncCoordinator(
  ports: SyncPorts,
  config: SyncCoordinatorConfig,
  scheduler: SchedulerLike = asyncScheduler,
): SyncCoordinator {
  const { tabId } = config;
  const debounceMs = config.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const watchdogMs = config.watchdogMs ?? DEFAULT_WATCHDOG_MS;

  const state = new BehaviorSubject<SyncState>(INITIAL_SYNC_STATE);
  const events = new Subject<SyncEvent>();
  const requests = new Subject<Batch>();
  const holds = new Subject<ObservableInput<unknown>>();
  // Callers not yet settled, so that teardown can answer every one of them.
  const unsettled = new Set<AsyncSubject<SyncOutcome>>();
  let runNumber = 0;

  const emit = (event: SyncEvent): void => {
    const next = reduceSyncState(state.value, event);
    // Log-only events leave the state as it was: don't wake every subscriber.
    if (next !== state.value) state.next(next);
    try {
      ports.log?.(toLogEntry(event, tabId));
    } catch {
      // A broken log sink must not break syncing; there is nowhere better to report it.
    }
    events.next(event);
  };

  const settle = (callers: readonly AsyncSubject<SyncOutcome>[], outcome: SyncOutcome): void => {
    for (const caller of callers) {
      unsettled.delete(caller);
      caller.next(outcome);
      caller.complete();
    }
  };

  const queuedSnapshot = ({ plan }: Batch): QueuedSnapshot => ({
    kind: plan.kind,
    scope: plan.scope,
    masterData: plan.masterData,
    initialTables: plan.initialTables,
    requestCount: plan.requestCount,
    since: plan.since,
  });

  /** Merges an admission into the one waiting batch, and reports when a request starts waiting. */
  const fold = (waiting: Admission | undefined, next: Admission): Admission => {
    if (!next) return waiting ?? null;
    if (waiting) {
      const merged = mergeBatches(waiting, next);
      emit({ type: 'requestMerged', at: scheduler.now(), queued: queuedSnapshot(merged) });
      return merged;
    }
    const { running, holds: activeHolds } = state.value;
    if (running || activeHolds > 0) {
      const behind = running ? 'run' : 'hold';
      emit({ type: 'requestQueued', at: scheduler.now(), behind, queued: queuedSnapshot(next) });
      return { ...next, queuedBehindRun: behind === 'run' };
    }
    return next;
  };

  // Ends once no hold is in force, or at once when an initial sync waits: it is never held.
  const holdsReleased$ = defer(() =>
    state.pipe(
      first(({ holds: activeHolds, queued }) => activeHolds === 0 || queued?.kind === 'initial'),
      ignoreElements(),
    ),
  );

  const project = (admission: Admission): Observable<never> => {
    const run$ = admission
      ? runPlan(admission.plan, `${tabId}#${++runNumber}`, {
          ports,
          tabId,
          watchdogMs,
          scheduler,
          emit,
          alreadyQueued: admission.queuedBehindRun,
        }).pipe(
          tap((outcome) => {
            emit({ type: 'runCompleted', at: scheduler.now(), outcome });
            settle(admission.callers, outcome);
          }),
          ignoreElements(),
        )
      : EMPTY;
    // The operator stays busy until holds end, so requests keep merging into the one waiting.
    return concat(run$, holdsReleased$);
  };

  const regular$ = requests.pipe(filter(({ plan }) => plan.kind !== 'initial'));
  // buffer + debounce rather than debounceTime alone: every debounced request keeps its caller.
  const debounced$ = regular$.pipe(
    buffer(regular$.pipe(debounceTime(debounceMs, scheduler))),
    filter((batches) => batches.length > 0),
    map((batches) => batches.reduce((merged, batch) => mergeBatches(merged, batch))),
  );
  // The initial sync gates the app: it goes straight in, no debounce.
  const initial$ = requests.pipe(filter(({ plan }) => plan.kind === 'initial'));
  const holdStarts$ = holds.pipe(
    mergeMap((release) =>
      concat(
        defer(() => (emit({ type: 'holdStarted', at: scheduler.now() }), of(null))),
        from(release).pipe(
          take(1),
          ignoreElements(),
          // A failing release ends the hold too: a hold must never outlive its reason.
          catchError(() => EMPTY),
        ),
        defer(() => (emit({ type: 'holdEnded', at: scheduler.now() }), EMPTY)),
      ),
    ),
  );

  const pipeline = merge(debounced$, initial$, holdStarts$)
    .pipe(exhaustMapWithTrailing(project, fold))
    .subscribe();

  const request = (trigger: SyncTrigger): Observable<SyncOutcome> => {
    if (pipeline.closed) return throwError(() => SyncError.aborted('sync coordinator destroyed'));
    const at = scheduler.now();
    emit({ type: 'requestReceived', at, kind: trigger.kind });
    if (trigger.kind === 'background' && initialSyncActive(state.value)) {
      // User writes are blocked during the initial sync, so a push-only run has nothing to do.
      emit({ type: 'backgroundSkipped', at, blockedBy: state.value.running?.runId ?? null });
      return of({ status: 'skipped', kind: 'background', reason: 'initialSyncInProgress', at });
    }
    const caller = new AsyncSubject<SyncOutcome>();
    unsettled.add(caller);
    requests.next({ plan: planFor(trigger, at), callers: [caller] });
    return caller.asObservable();
  };

  const holdUntil = (release: ObservableInput<unknown>): void => {
    if (!pipeline.closed) holds.next(release);
  };

  return {
    state$: state.asObservable(),
    events$: events.asObservable(),
    request,
    holdUntil,
    cooldown: (ms) => holdUntil(timer(ms, scheduler)),
    snapshot: () => state.value,
    destroy: () => {
      if (pipeline.closed) return;
      pipeline.unsubscribe();
      const pending = [...unsettled];
      unsettled.clear();
      emit({ type: 'destroyed', at: scheduler.now(), pendingCallers: pending.length });
      const aborted = SyncError.aborted('sync coordinator destroyed');
      pending.forEach((caller) => caller.error(aborted));
      [requests, holds, events, state].forEach((subject) => subject.complete());
    },
  };
}

function mergeBatches(waiting: Batch | undefined, next: Batch): Batch {
  return waiting
    ? {
        plan: mergePlans(waiting.plan, next.plan),
        callers: [...waiting.callers, ...next.callers],
        queuedBehindRun: waiting.queuedBehindRun,
      }
    : next;
}
