import { inject } from '@angular/core';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { catchError, EMPTY, exhaustMap, filter, ignoreElements, map, of, switchMap } from 'rxjs';
import {
  AuthApiActions,
  AuthSessionActions,
  LoginPageActions,
  UserMenuActions,
} from '../features/auth/auth.actions';
import { GateDialogActions, SyncEngine, SyncEngineActions } from '../sync';

/**
 * Ties the sync engine's life to the login session: started for the user who logged in (or whose
 * session was restored at start-up), stopped when the session ends. It lives at the app level
 * because it joins two features that must not know each other (auth and sync).
 */
export const startEngine$ = createEffect(
  (actions$ = inject(Actions), engine = inject(SyncEngine)) => {
    return actions$.pipe(
      ofType(AuthApiActions.loginSucceeded, AuthSessionActions.restored),
      map(({ session }) => session),
      filter((session) => session !== null),
      // switchMap: a newer session replaces one still starting.
      switchMap((session) =>
        engine.start(session.user.id).pipe(
          map((missingTables) =>
            SyncEngineActions.started({ userId: session.user.id, missingTables }),
          ),
          catchError((error: unknown) =>
            of(
              SyncEngineActions.startFailed({
                message: error instanceof Error ? error.message : String(error),
              }),
            ),
          ),
        ),
      ),
    );
  },
  { functional: true },
);

/**
 * Opening the local database takes about as long as the login request (the server's password
 * check): done at the click, beside the request, the initial sync starts that much sooner. A
 * failed open is not reported here: `start()` goes through the same open (or a new one, once the
 * failed one is forgotten) and reports it.
 */
export const prepareEngine$ = createEffect(
  (actions$ = inject(Actions), engine = inject(SyncEngine)) => {
    return actions$.pipe(
      ofType(LoginPageActions.logIn),
      // exhaustMap: opening is done once; a second click while it opens adds nothing.
      exhaustMap(() =>
        engine.prepare().pipe(
          ignoreElements(),
          catchError(() => EMPTY),
        ),
      ),
    );
  },
  { functional: true, dispatch: false },
);

export const stopEngine$ = createEffect(
  (actions$ = inject(Actions), engine = inject(SyncEngine)) => {
    return actions$.pipe(
      ofType(AuthApiActions.logoutCompleted, AuthSessionActions.ended),
      map(() => {
        engine.stop();
        return SyncEngineActions.stopped();
      }),
    );
  },
  { functional: true },
);

/**
 * "Cancel and log out" in the initial-sync dialog is a normal logout (the token is revoked); the
 * partial local data stays, so the same user's next login resumes where this one stopped.
 */
export const cancelInitialSync$ = createEffect(
  (actions$ = inject(Actions)) => {
    return actions$.pipe(
      ofType(GateDialogActions.cancelAndLogOut),
      map(() => UserMenuActions.logOut()),
    );
  },
  { functional: true },
);
