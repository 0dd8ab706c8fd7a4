import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Store } from '@ngrx/store';
import { catchError, throwError } from 'rxjs';
import { AuthSessionActions } from './auth.actions';
import { selectToken } from './auth.feature';

const LOGIN_URL = '/api/auth/login';

/**
 * Adds the bearer token to API calls, and ends the session when the server answers 401 to one:
 * the token was revoked or expired, so the user has to log in again (local data stays).
 */
export const authInterceptor: HttpInterceptorFn = (request, next) => {
  const store = inject(Store);
  if (!request.url.startsWith('/api/') || request.url === LOGIN_URL) return next(request);
  const token = store.selectSignal(selectToken)();
  const authorized = token
    ? request.clone({ setHeaders: { Authorization: `Bearer ${token}` } })
    : request;
  return next(authorized).pipe(
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse && error.status === 401 && token) {
        store.dispatch(
          AuthSessionActions.ended({ message: 'Your session has ended. Please log in again.' }),
        );
      }
      return throwError(() => error);
    }),
  );
};
