import { inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { Store } from '@ngrx/store';
import {
  catchError,
  concatMap,
  defer,
  filter,
  map,
  of,
  startWith,
  switchMap,
  takeUntil,
  tap,
  throwError,
} from 'rxjs';
import { isTransientSyncError, retryWithBackoffNotices, SyncError, toSyncError } from '../core';
import { SyncEngine } from '../engine/sync-engine';
import { SyncStore } from '../local';
import { SyncEngineActions } from '../state/sync.actions';
import { SYNC_CONFIG, SYNC_SCHEDULER } from '../sync.tokens';
import { GateActions, GateDialogActions } from './gate.actions';
import { selectGateTables } from './gate.feature';
import { INITIAL_SYNC_DIALOG_ID, InitialSyncDialog } from './initial-sync-dialog';

/** The engine started for a user who has tables to sync first: the gate opens. */
export const openGate$ = createEffect(
  (actions$ = inject(Actions)) => {
    return actions$.pipe(
      ofType(SyncEngineActions.started),
      filter(({ missingTables }) => missingTables.length > 0),
      map(({ missingTables }) => GateActions.opened({ tables: missingTables })),
    );
  },
  { functional: true },
);

/** The data layer refuses writes while the gate is open, whatever path tries one. */
export const gateWrites$ = createEffect(
  (actions$ = inject(Actions), store = inject(SyncStore)) => {
    return actions$.pipe(
      ofType(SyncEngineActions.started),
      tap(({ missingTables }) => {
        if (missingTables.length > 0) store.blockWrites();
        else store.allowWrites();
      }),
    );
  },
  { functional: true, dispatch: false },
);

/**
 * The initial sync: one request through the same coordinator and lock as every sync, retried
 * after 2 s, 5 s and 15 s on transient failures (each retry resumes from the checkpoints).
 * switchMap: "Try again" starts a fresh cycle; the session ending stops it.
 */
export const runGate$ = createEffect(
  (
    actions$ = inject(Actions),
    engine = inject(SyncEngine),
    ngrxStore = inject(Store),
    scheduler = inject(SYNC_SCHEDULER),
    { initialRetryDelaysMs: delays } = inject(SYNC_CONFIG),
  ) => {
    const tables = ngrxStore.selectSignal(selectGateTables);
    return actions$.pipe(
      ofType(GateActions.opened, GateDialogActions.tryAgain),
      switchMap(() =>
        defer(() => engine.request({ kind: 'initial', tables: [...tables()] })).pipe(
          // A failed run is an outcome value; the retry policy needs it as an error.
          concatMap((outcome) =>
            outcome.status === 'failed' ? throwError(() => outcome.error) : of(outcome),
          ),
          retryWithBackoffNotices(delays, isTransientSyncError, scheduler),
          map((step) =>
            step.type === 'retrying'
              ? GateActions.retrying({
                  attempt: step.notice.attempt,
                  of: step.notice.of,
                  delayMs: step.notice.delayMs,
                  message: step.notice.message,
                })
              : GateActions.completed(),
          ),
          catchError((error: unknown) => of(gateFailure(toSyncError(error)))),
          startWith(GateActions.attemptStarted()),
          takeUntil(actions$.pipe(ofType(SyncEngineActions.stopped))),
        ),
      ),
      filter((action) => action !== null),
    );
  },
  { functional: true },
);

/** The gate closed: writes are allowed again, and regular syncs wait out the cooldown. */
export const gateCompleted$ = createEffect(
  (
    actions$ = inject(Actions),
    engine = inject(SyncEngine),
    store = inject(SyncStore),
    { gateCooldownMs } = inject(SYNC_CONFIG),
  ) => {
    return actions$.pipe(
      ofType(GateActions.completed),
      tap(() => {
        store.allowWrites();
        engine.cooldown(gateCooldownMs);
      }),
    );
  },
  { functional: true, dispatch: false },
);

/** The dialog is opened and closed here only; the user cannot dismiss it. */
export const gateDialog$ = createEffect(
  (actions$ = inject(Actions), dialog = inject(MatDialog)) => {
    return actions$.pipe(
      ofType(GateActions.opened, GateActions.completed, SyncEngineActions.stopped),
      tap((action) => {
        const open = dialog.getDialogById(INITIAL_SYNC_DIALOG_ID);
        if (action.type !== GateActions.opened.type) {
          open?.close();
          return;
        }
        if (open) return;
        dialog.open(InitialSyncDialog, {
          id: INITIAL_SYNC_DIALOG_ID,
          // Opaque: nothing of the app shows (or can be reached) until the data is there.
          backdropClass: 'gate-backdrop',
          disableClose: true,
          autoFocus: 'dialog',
          width: 'min(560px, calc(100vw - 32px))',
          maxWidth: '100vw',
          ariaLabelledBy: 'initial-sync-title',
          // The data is there: the app shows at once rather than after a fade (measured ~0.1 s
          // of every initial sync, docs/performance.md).
          exitAnimationDuration: 0,
        });
      }),
    );
  },
  { functional: true, dispatch: false },
);

/** A 401 ends the session (the interceptor takes the user to the login page): no failure shown. */
function gateFailure(error: SyncError) {
  if (error.kind === 'unauthorized' || error.kind === 'aborted') return null;
  return GateActions.failed({ message: failureMessage(error) });
}

function failureMessage(error: SyncError): string {
  switch (error.kind) {
    case 'offline':
      return 'The server cannot be reached. Check the connection, then try again.';
    case 'timeout':
      return 'The server did not answer in time. Try again in a moment.';
    case 'http':
      return error.transient
        ? `The server is not available right now (${error.status}). Try again in a moment.`
        : `The server refused the data (${error.status}): ${error.message}`;
    default:
      return `The data could not be set up on this device: ${error.message}`;
  }
}
