import { inject } from '@angular/core';
import { Router, type CanMatchFn } from '@angular/router';
import { Store } from '@ngrx/store';
import { selectIsLoggedIn } from './auth.feature';

/** Pages behind a login; anyone else goes to the login page. */
export const loggedInGuard: CanMatchFn = () => {
  const loggedIn = inject(Store).selectSignal(selectIsLoggedIn)();
  return loggedIn || inject(Router).createUrlTree(['/login']);
};

/** The login page is only for people who are not logged in yet. */
export const loggedOutGuard: CanMatchFn = () => {
  const loggedIn = inject(Store).selectSignal(selectIsLoggedIn)();
  return !loggedIn || inject(Router).createUrlTree(['/']);
};
