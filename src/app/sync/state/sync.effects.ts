import { inject } from '@angular/core';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { ToastrService } from 'ngx-toastr';
import {
  catchError,
  combineLatest,
  EMPTY,
  filter,
  fromEvent,
  ignoreElements,
  map,
  merge,
  mergeMap,
  type Observable,
  startWith,
  switchMap,
  take,
  tap,
  timer,
} from 'rxjs';
import type { SyncEvent, SyncTrigger } from '../core';
import { SyncEngine } from '../engine/sync-engine';
import { SYNC_CONFIG, SYNC_SCHEDULER } from '../sync.tokens';
import { summarizeOutcome } from './outcome-summary';
import { SyncBadgeActions, SyncEngineActions } from './sync.actions';
import { QUEUED_NOTICE } from './sync-notices';

/** The engine's events as store actions (the rest are for the sync log only). */
export const engineEvents$ = createEffect(
  (engine = inject(SyncEngine)) => {
    return engine.events$.pipe(
      map(toAction),
      filter((action) => action !== null),
    );
  },
  { functional: true },
);

// switchMap: the counts belong to the session that started; a new session replaces them.
export const counts$ = createEffect(
  (actions$ = inject(Actions), engine = inject(SyncEngine)) => {
    return actions$.pipe(
      ofType(SyncEngineActions.started, SyncEngineActions.stopped),
      switchMap((action) =>
        action.type === SyncEngineActions.stopped.type
          ? EMPTY
          : combineLatest([engine.pendingCount$, engine.deadLetterCount$]).pipe(
              map(([pending, deadLetter]) =>
                SyncEngineActions.countsChanged({ pending, deadLetter }),
              ),
            ),
      ),
    );
  },
  { functional: true },
);

export const lockHolder$ = createEffect(
  (engine = inject(SyncEngine)) => {
    return engine.runBoard.current$.pipe(map((run) => SyncEngineActions.remoteRunChanged({ run })));
  },
  { functional: true },
);

export const connectivity$ = createEffect(
  () => {
    return merge(fromEvent(window, 'online'), fromEvent(window, 'offline')).pipe(
      startWith(null),
      // `navigator.onLine === false` can be trusted; `true` only means "maybe".
      map(() => SyncEngineActions.connectivityChanged({ online: navigator.onLine })),
    );
  },
  { functional: true },
);

/**
 * While the browser says it is offline (which, unlike "online", can be trusted), syncs are not
 * attempted: requests wait, merged into one, and run when the `online` event comes.
 */
export const holdWhileOffline$ = createEffect(
  (actions$ = inject(Actions), engine = inject(SyncEngine)) => {
    return actions$.pipe(
      ofType(SyncEngineActions.started, SyncEngineActions.connectivityChanged),
      filter(() => !navigator.onLine),
      tap(() => engine.holdUntil(fromEvent(window, 'online').pipe(take(1)))),
    );
  },
  { functional: true, dispatch: false },
);

/** A full sync at app start or login, unless the initial-sync gate has tables to fetch first. */
export const syncOnStart$ = createEffect(
  (actions$ = inject(Actions), engine = inject(SyncEngine)) => {
    return actions$.pipe(
      ofType(SyncEngineActions.started),
      filter(({ missingTables }) => missingTables.length === 0),
      mergeMap(() => settle(engine, { kind: 'manual' })),
    );
  },
  { functional: true, dispatch: false },
);

export const badgeRequests$ = createEffect(
  (actions$ = inject(Actions), engine = inject(SyncEngine)) => {
    return actions$.pipe(
      ofType(SyncBadgeActions.syncRequested, SyncBadgeActions.masterDataResyncRequested),
      // mergeMap: every tap is its own request; the coordinator merges them, not this effect.
      mergeMap((action) =>
        settle(engine, {
          kind: action.type === SyncBadgeActions.syncRequested.type ? 'manual' : 'masterData',
        }),
      ),
    );
  },
  { functional: true, dispatch: false },
);

/**
 * The automatic triggers while a user is logged in: every local write (repository), coming back
 * online, the page going hidden, and a periodic timer (the last three push-only: background).
 */
export const automaticTriggers$ = createEffect(
  (
    actions$ = inject(Actions),
    engine = inject(SyncEngine),
    config = inject(SYNC_CONFIG),
    scheduler = inject(SYNC_SCHEDULER),
  ) => {
    return actions$.pipe(
      ofType(SyncEngineActions.started, SyncEngineActions.stopped),
      switchMap((action) =>
        action.type === SyncEngineActions.stopped.type
          ? EMPTY
          : merge(
              engine.localWrites$.pipe(map((): SyncTrigger => ({ kind: 'repository' }))),
              merge(
                fromEvent(window, 'online'),
                fromEvent(document, 'visibilitychange').pipe(filter(() => document.hidden)),
                timer(config.backgroundIntervalMs, config.backgroundIntervalMs, scheduler),
              ).pipe(map((): SyncTrigger => ({ kind: 'background' }))),
            ),
      ),
      mergeMap((trigger) => settle(engine, trigger)),
    );
  },
  { functional: true, dispatch: false },
);

/** One toast per queued request, never one per merged trigger. */
export const queuedNotice$ = createEffect(
  (actions$ = inject(Actions), toastr = inject(ToastrService)) => {
    return actions$.pipe(
      ofType(SyncEngineActions.requestQueued),
      // Behind a hold (the cooldown after the initial sync) nothing is in progress: no toast.
      filter(({ behind }) => behind === 'run'),
      tap(() => toastr.info(QUEUED_NOTICE)),
    );
  },
  { functional: true, dispatch: false },
);

/**
 * Waits for a request's outcome without letting it reach the effect: outcomes arrive in the
 * store through the engine's events, and a torn-down engine (logout) is not an error here.
 */
function settle(engine: SyncEngine, trigger: SyncTrigger): Observable<never> {
  return engine.request(trigger).pipe(
    ignoreElements(),
    catchError(() => EMPTY),
  );
}

function toAction(event: SyncEvent) {
  switch (event.type) {
    case 'requestQueued':
      return SyncEngineActions.requestQueued({ queued: event.queued, behind: event.behind });
    case 'requestMerged':
      return SyncEngineActions.requestMerged({ queued: event.queued });
    case 'runStarted':
      return SyncEngineActions.runStarted({ run: event.run });
    case 'lockWaiting':
      return SyncEngineActions.phaseChanged({ runId: event.runId, phase: 'waitingForLock' });
    case 'phaseStarted':
      return SyncEngineActions.phaseChanged({ runId: event.runId, phase: event.phase });
    case 'phaseProgress':
      return SyncEngineActions.progressReported({ runId: event.runId, progress: event.progress });
    case 'runCompleted':
      return SyncEngineActions.runCompleted({ outcome: summarizeOutcome(event.outcome) });
    default:
      return null;
  }
}
