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

/**
 * The check before a logout: unsynced changes are lost with the session, so the user is asked
 * first (only from the user menu; the initial-sync dialog's "Cancel and log out" never asks).
 */
export const LogoutWarningActions = createActionGroup({
  source: 'Logout Warning',
  events: {
    /** Nothing unsynced, or the initial sync is still gating the app: log out at once. */
    Skipped: emptyProps(),
    'Sync First': emptyProps(),
    'Log Out Anyway': emptyProps(),
    Cancelled: emptyProps(),
  },
});
