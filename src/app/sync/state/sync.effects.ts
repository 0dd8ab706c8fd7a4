import { inject } from '@angular/core';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { ToastrService } from 'ngx-toastr';
import { combineLatest, EMPTY, filter, map, merge, startWith, switchMap, tap } from 'rxjs';
import type { SyncEvent } from '../core';
import { SyncEngine } from '../engine/sync-engine';
import { SyncLog } from '../local';
import { SYNC_BROWSER } from '../sync.tokens';
import { summarizeOutcome } from './outcome-summary';
import { SyncEngineActions } from './sync.actions';
import { QUEUED_NOTICE, startFailedNotice } from './sync-notices';
import { toSnapshot } from './sync-snapshot';

/** The coordinator's state, as it changes: the store's one source of what runs and waits. */
export const engineState$ = createEffect(
  (engine = inject(SyncEngine)) => {
    return engine.state$.pipe(
      map((state) => SyncEngineActions.stateChanged({ state: toSnapshot(state) })),
    );
  },
  { functional: true },
);

/** The engine events something reacts to (a toast, a notice); the rest are for the sync log. */
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
  (browser = inject(SYNC_BROWSER)) => {
    return merge(browser.online$, browser.offline$).pipe(
      startWith(null),
      // The event only says something changed; `onLine` says what (and `false` can be trusted).
      map(() => SyncEngineActions.connectivityChanged({ online: browser.isOnline() })),
    );
  },
  { functional: true },
);

/**
 * A failed start leaves the session without syncing: the user is told (a toast that stays, and
 * the badge shows "failed"), and the reason goes to the sync log for the Diagnostics page.
 */
export const startFailed$ = createEffect(
  (actions$ = inject(Actions), toastr = inject(ToastrService), syncLog = inject(SyncLog)) => {
    return actions$.pipe(
      ofType(SyncEngineActions.startFailed),
      tap(({ message }) => {
        toastr.error(startFailedNotice(message), undefined, {
          disableTimeOut: true,
          closeButton: true,
        });
        syncLog.append({ level: 'error', message: `sync engine failed to start: ${message}` });
      }),
    );
  },
  { functional: true, dispatch: false },
);

/**
 * One toast per queued request, never one per merged trigger, whichever tab's sync it waits for
 * (the issue asks for it across tabs too, where the product spec had kept lock waits silent).
 */
export const queuedNotice$ = createEffect(
  (actions$ = inject(Actions), toastr = inject(ToastrService)) => {
    return actions$.pipe(
      ofType(SyncEngineActions.requestQueued, SyncEngineActions.waitingForOtherTab),
      // Behind a hold (the cooldown after the initial sync) nothing is in progress: no toast.
      filter(
        (action) =>
          action.type === SyncEngineActions.waitingForOtherTab.type || action.behind === 'run',
      ),
      tap(() => toastr.info(QUEUED_NOTICE)),
    );
  },
  { functional: true, dispatch: false },
);

function toAction(event: SyncEvent) {
  switch (event.type) {
    case 'requestQueued':
      return SyncEngineActions.requestQueued({ queued: event.queued, behind: event.behind });
    case 'lockContended':
      // A run whose requests were already queued here waits on: they were told once already.
      return event.alreadyQueued
        ? null
        : SyncEngineActions.waitingForOtherTab({ runId: event.runId });
    case 'runCompleted':
      return SyncEngineActions.runCompleted({ outcome: summarizeOutcome(event.outcome) });
    default:
      return null;
  }
}
