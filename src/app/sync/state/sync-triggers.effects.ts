import { inject } from '@angular/core';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import {
  catchError,
  EMPTY,
  filter,
  ignoreElements,
  map,
  merge,
  mergeMap,
  type Observable,
  switchMap,
  take,
  tap,
  timer,
} from 'rxjs';
import type { SyncTrigger } from '../core';
import { SyncEngine } from '../engine/sync-engine';
import { SYNC_BROWSER, SYNC_CONFIG, SYNC_SCHEDULER } from '../sync.tokens';
import { SyncBadgeActions, SyncEngineActions } from './sync.actions';

/**
 * While the browser says it is offline (which, unlike "online", can be trusted), syncs are not
 * attempted: requests wait, merged into one, and run when the `online` event comes.
 */
export const holdWhileOffline$ = createEffect(
  (actions$ = inject(Actions), engine = inject(SyncEngine), browser = inject(SYNC_BROWSER)) => {
    return actions$.pipe(
      ofType(SyncEngineActions.started, SyncEngineActions.connectivityChanged),
      filter(() => !browser.isOnline()),
      tap(() => engine.holdUntil(browser.online$.pipe(take(1)))),
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
    browser = inject(SYNC_BROWSER),
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
                browser.online$,
                browser.pageHidden$,
                timer(config.backgroundIntervalMs, config.backgroundIntervalMs, scheduler),
              ).pipe(map((): SyncTrigger => ({ kind: 'background' }))),
            ),
      ),
      mergeMap((trigger) => settle(engine, trigger)),
    );
  },
  { functional: true, dispatch: false },
);

/**
 * Waits for a request's outcome without letting it reach the effect: outcomes arrive in the
 * store through the engine's state, and a torn-down engine (logout) is not an error here.
 */
function settle(engine: SyncEngine, trigger: SyncTrigger): Observable<never> {
  return engine.request(trigger).pipe(
    ignoreElements(),
    catchError(() => EMPTY),
  );
}
