import { inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { Store } from '@ngrx/store';
import { exhaustMap, map, of } from 'rxjs';
import {
  SyncBadgeActions,
  selectDeadLetterCount,
  selectGateOpen,
  selectPendingCount,
} from '../../sync';
import { LogoutWarningActions, UserMenuActions } from './auth.actions';
import {
  LogoutWarningDialog,
  type LogoutWarningChoice,
  type LogoutWarningData,
} from './logout-warning.dialog';

/**
 * Before a logout, counts what has not reached the server: waiting changes and dead letters
 * alike live only on this device. While the initial-sync gate is open it never asks: that logout
 * is the gate's own way out, nothing can be pending then, and a second dialog would block it.
 * exhaustMap: a second "Log out" while the question is open is ignored.
 */
export const warnBeforeLogOut$ = createEffect(
  (actions$ = inject(Actions), store = inject(Store), dialog = inject(MatDialog)) => {
    const pending = store.selectSignal(selectPendingCount);
    const deadLetters = store.selectSignal(selectDeadLetterCount);
    const gateOpen = store.selectSignal(selectGateOpen);
    return actions$.pipe(
      ofType(UserMenuActions.logOut),
      exhaustMap(() => {
        const count = pending() + deadLetters();
        if (count === 0 || gateOpen()) return of(LogoutWarningActions.skipped());
        return dialog
          .open<LogoutWarningDialog, LogoutWarningData, LogoutWarningChoice>(LogoutWarningDialog, {
            data: { count },
            autoFocus: 'dialog',
            restoreFocus: true,
          })
          .afterClosed()
          .pipe(map(toAction));
      }),
    );
  },
  { functional: true },
);

/** "Sync first" is a manual sync through the engine's queue; the user stays logged in. */
export const syncFirst$ = createEffect(
  (actions$ = inject(Actions)) => {
    return actions$.pipe(
      ofType(LogoutWarningActions.syncFirst),
      map(() => SyncBadgeActions.syncRequested()),
    );
  },
  { functional: true },
);

function toAction(choice: LogoutWarningChoice) {
  switch (choice) {
    case 'syncFirst':
      return LogoutWarningActions.syncFirst();
    case 'logOut':
      return LogoutWarningActions.logOutAnyway();
    default:
      return LogoutWarningActions.cancelled();
  }
}
