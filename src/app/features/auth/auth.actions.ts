import { createActionGroup, emptyProps, props } from '@ngrx/store';
import type { Session } from './session';

export const LoginPageActions = createActionGroup({
  source: 'Login Page',
  events: {
    'Log In': props<{ username: string; password: string }>(),
  },
});

export const AuthApiActions = createActionGroup({
  source: 'Auth API',
  events: {
    'Login Succeeded': props<{ session: Session }>(),
    'Login Failed': props<{ message: string }>(),
    'Logout Completed': emptyProps(),
  },
});

export const AuthSessionActions = createActionGroup({
  source: 'Auth Session',
  events: {
    /** The persisted session (or none) was read at start-up. */
    Restored: props<{ session: Session | null }>(),
    /** The server refused the token (revoked or expired): the user must log in again. */
    Ended: props<{ message: string }>(),
  },
});

export const UserMenuActions = createActionGroup({
  source: 'User Menu',
  events: {
    'Log Out': emptyProps(),
  },
});
