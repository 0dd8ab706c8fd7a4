import { HttpErrorResponse } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { catchError, exhaustMap, map, of, tap } from 'rxjs';
import {
  AuthApiActions,
  AuthSessionActions,
  LoginPageActions,
  LogoutWarningActions,
} from './auth.actions';
import { AuthApi } from './auth.api';
import { SessionPersistence } from './session';

// exhaustMap: a second click on "Log in" while the first request is on its way is ignored.
export const logIn$ = createEffect(
  (actions$ = inject(Actions), api = inject(AuthApi)) => {
    return actions$.pipe(
      ofType(LoginPageActions.logIn),
      exhaustMap(({ username, password }) =>
        api.logIn(username, password).pipe(
          map((session) => AuthApiActions.loginSucceeded({ session })),
          catchError((error: unknown) =>
            of(AuthApiActions.loginFailed({ message: loginError(error) })),
          ),
        ),
      ),
    );
  },
  { functional: true },
);

export const persistSession$ = createEffect(
  (
    actions$ = inject(Actions),
    persistence = inject(SessionPersistence),
    router = inject(Router),
  ) => {
    return actions$.pipe(
      ofType(AuthApiActions.loginSucceeded),
      tap(({ session }) => {
        persistence.save(session);
        void router.navigateByUrl('/');
      }),
    );
  },
  { functional: true, dispatch: false },
);

// The token is revoked on the server when it can be reached; when it can't, the local session is
// cleared anyway: the user asked to leave, and the token expires on its own. It starts once the
// unsynced-changes check let it through (see logout-warning.effects.ts).
export const logOut$ = createEffect(
  (actions$ = inject(Actions), api = inject(AuthApi)) => {
    return actions$.pipe(
      ofType(LogoutWarningActions.skipped, LogoutWarningActions.logOutAnyway),
      exhaustMap(() =>
        api.logOut().pipe(
          map(() => AuthApiActions.logoutCompleted()),
          catchError(() => of(AuthApiActions.logoutCompleted())),
        ),
      ),
    );
  },
  { functional: true },
);

export const clearSession$ = createEffect(
  (
    actions$ = inject(Actions),
    persistence = inject(SessionPersistence),
    router = inject(Router),
  ) => {
    return actions$.pipe(
      ofType(AuthApiActions.logoutCompleted, AuthSessionActions.ended),
      tap(() => {
        persistence.clear();
        void router.navigateByUrl('/login');
      }),
    );
  },
  { functional: true, dispatch: false },
);

function loginError(error: unknown): string {
  if (error instanceof HttpErrorResponse) {
    if (error.status === 401) return 'Wrong username or password.';
    if (error.status === 0)
      return 'The server cannot be reached. Check the connection and try again.';
    if (error.status === 429) return 'Too many attempts. Wait a moment and try again.';
    const message = (error.error as { message?: unknown } | null)?.message;
    if (typeof message === 'string' && error.status < 500) return message;
  }
  return 'Login failed. Please try again.';
}
